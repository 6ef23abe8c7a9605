package imageio

import (
	"encoding/binary"
	"fmt"

	"visage/core/tensor"
)

// DecodePhoto decodes a photo (see Decode, whose size limits apply) upright:
// a JPEG's EXIF orientation, when present, is applied, so the result is what
// a viewer shows. Errors name the path.
func DecodePhoto(path string) (*tensor.Tensor, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	t, err := DecodePhotoBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// DecodePhotoBytes is DecodePhoto for a file already in memory (the bytes
// a browser's Blob holds): decoded within Decode's limits, then turned
// upright by its EXIF orientation.
func DecodePhotoBytes(data []byte) (*tensor.Tensor, error) {
	t, err := decodeBytes(data)
	if err != nil {
		return nil, err
	}
	return Orient(t, JPEGOrientation(data)), nil
}

// JPEGOrientation returns the EXIF orientation (1..8, TIFF tag 0x0112) in a
// JPEG's APP1 segment, or 1 (upright) when data is not a JPEG, has no EXIF
// block, or the block is malformed.
func JPEGOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 { // no length
			p += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // image data starts: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF block; 1 if absent
// or out of range.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}

// Orient returns img ([H,W,C]) transformed so that a photo stored with EXIF
// orientation o is upright: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose,
// 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise.
// Orientation 1 (or any other value) returns img itself; otherwise the
// result is a new tensor.
func Orient(img *tensor.Tensor, o int) *tensor.Tensor {
	if o < 2 || o > 8 {
		return img
	}
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	oh, ow := h, w
	if o >= 5 {
		oh, ow = w, h
	}
	// src maps an output pixel to the stored pixel it shows.
	src := map[int]func(x, y int) (int, int){
		2: func(x, y int) (int, int) { return w - 1 - x, y },
		3: func(x, y int) (int, int) { return w - 1 - x, h - 1 - y },
		4: func(x, y int) (int, int) { return x, h - 1 - y },
		5: func(x, y int) (int, int) { return y, x },
		6: func(x, y int) (int, int) { return y, h - 1 - x },
		7: func(x, y int) (int, int) { return w - 1 - y, h - 1 - x },
		8: func(x, y int) (int, int) { return w - 1 - y, x },
	}[o]
	out := tensor.New(oh, ow, c)
	for y := range oh {
		for x := range ow {
			sx, sy := src(x, y)
			copy(out.Data[(y*ow+x)*c:(y*ow+x+1)*c], img.Data[(sy*w+sx)*c:(sy*w+sx+1)*c])
		}
	}
	return out
}
