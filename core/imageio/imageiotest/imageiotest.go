// Package imageiotest makes hostile and awkward image files for the tests of
// every path an image enters Visage by (core/imageio, the CLI, the browser).
package imageiotest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
)

// PNGBomb returns a valid greyscale PNG of width×height black pixels. Its
// pixel data compresses about 1000:1, so a 20000×20000 bomb is some 400 KB
// that decodes to 400 MB of pixels (4.8 GB as a float32 RGB tensor). With
// headerOnly, the image data is left out (a 57-byte file whose header still
// claims the size), as a truncated download would be.
func PNGBomb(width, height int, headerOnly bool) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8] = 8 // bit depth; colour type 0 (grey), deflate, no filter, no interlace
	chunk(&out, "IHDR", ihdr)
	if !headerOnly {
		var idat bytes.Buffer
		z, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
		row := make([]byte, 1+width) // filter byte 0, then the row's pixels
		for range height {
			z.Write(row)
		}
		z.Close()
		chunk(&out, "IDAT", idat.Bytes())
		chunk(&out, "IEND", nil)
	}
	return out.Bytes()
}

// chunk appends one PNG chunk: length, type, data, CRC of type and data.
func chunk(out *bytes.Buffer, kind string, data []byte) {
	binary.Write(out, binary.BigEndian, uint32(len(data)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	out.WriteString(kind)
	out.Write(data)
	binary.Write(out, binary.BigEndian, crc.Sum32())
}

// EXIFSegment builds an APP1 EXIF segment whose IFD0 holds the tags
// (tag, type, value) in byte order bo.
func EXIFSegment(bo binary.ByteOrder, tags [][3]uint16) []byte {
	var t bytes.Buffer
	if bo == binary.LittleEndian {
		t.WriteString("II*\x00")
	} else {
		t.WriteString("MM\x00*")
	}
	binary.Write(&t, bo, uint32(8))
	binary.Write(&t, bo, uint16(len(tags)))
	for _, tag := range tags {
		binary.Write(&t, bo, tag[0])
		binary.Write(&t, bo, tag[1])
		binary.Write(&t, bo, uint32(1))
		binary.Write(&t, bo, tag[2])
		binary.Write(&t, bo, uint16(0))
	}
	binary.Write(&t, bo, uint32(0)) // no next IFD
	body := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(body)))
	return append(seg, body...)
}

// WithSegment inserts seg right after a JPEG's SOI marker.
func WithSegment(jpg, seg []byte) []byte {
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// SidewaysJPEG returns a 16×8 greyscale JPEG, bright on its left half, whose
// EXIF orientation 6 says to turn it clockwise: upright it is 8×16, bright
// on its top half (as a phone stores a photo taken held upright).
func SidewaysJPEG() []byte {
	src := image.NewGray(image.Rect(0, 0, 16, 8))
	for y := range 8 {
		for x := range 8 {
			src.SetGray(x, y, color.Gray{Y: 250})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
		panic(err) // encoding a valid in-memory image cannot fail
	}
	return WithSegment(buf.Bytes(), EXIFSegment(binary.LittleEndian, [][3]uint16{{0x0112, 3, 6}}))
}
