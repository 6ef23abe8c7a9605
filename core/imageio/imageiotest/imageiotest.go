// Package imageiotest makes hostile image files for the tests of every path
// an image enters Visage by (core/imageio, the CLI, the browser).
package imageiotest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
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
