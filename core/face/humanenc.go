package face

import (
	"io/fs"

	"visage/models/faceres"
	"visage/models/mobilefacenet"
)

// LoadFaceEncoder loads from fsys the encoder called name when it is one of
// human-models' graph models: MobileFaceNet (mobilefacenet.json and its
// weights) or FaceRes (faceres.json …), as their packages load them. It
// returns nil for EncoderDlib, whose network (models/facerec) is loaded on
// its own, and CheckEncoderName's error for a name it does not know.
func LoadFaceEncoder(fsys fs.FS, name string) (FaceEncoder, error) {
	if err := CheckEncoderName(name); err != nil {
		return nil, err
	}
	switch name {
	case EncoderMobileFaceNet:
		net, err := mobilefacenet.Load(fsys)
		if err != nil {
			return nil, err
		}
		return MobileFaceNet{Net: net}, nil
	case EncoderFaceRes:
		net, err := faceres.Load(fsys)
		if err != nil {
			return nil, err
		}
		return FaceRes{Net: net}, nil
	}
	return nil, nil
}
