package lfw

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"visage/core/atomicfile"
	"visage/core/face"
)

// EncodingCache holds descriptors computed once for a set of images (LFW, a
// training set), so that evaluation and training need not run the networks
// again. It is shared by Run and the CLI's `train-*` and `identify-eval`
// commands.
type EncodingCache struct {
	// Encoder and Alignment say how the descriptors were made (e.g.
	// "faceapi-resnet34", "ssd+landmarks68"); a cache made one way must not be
	// mixed with another, so callers compare them before reusing a file.
	Encoder   string
	Alignment string
	// Dim is the length of every descriptor: 0 stands for face.DescriptorLen (the
	// dlib encoder's 128, which a loaded cache of that length also reports
	// as 0), others are another encoder's (MobileFaceNet's 192) or another
	// kind of vector per image (68 landmarks as 136 numbers), 1..MaxCacheDim.
	Dim int
	// Images maps an image's slash-separated path, relative to the image root,
	// to its descriptor: Dim finite numbers, or nil/empty when no face
	// was found in that image.
	Images map[string][]float32
}

// MaxCacheDim is the longest vector an encodings cache holds.
const MaxCacheDim = 4096

// dim is c.Dim with 0 read as face.DescriptorLen.
func (c *EncodingCache) dim() int {
	if c.Dim == 0 {
		return face.DescriptorLen
	}
	return c.Dim
}

// The file layout (little-endian):
//
//	"visage-encodings\n"
//	one line of JSON: {"version":1,"encoder":…,"alignment":…,"dim":d,"count":n}
//	n records, by increasing key: uvarint key length, key bytes,
//	    a byte 0 (no face) or 1 (descriptor), then dim float32s if 1.
//
// At 4 bytes a number it is a quarter of the JSON text's size, and it reads
// without parsing numbers.
const (
	cacheMagic   = "visage-encodings\n"
	cacheVersion = 1
	maxKeyLen    = 4096 // longer keys mean a damaged file, not a path
)

type cacheHeader struct {
	Version   int    `json:"version"`
	Encoder   string `json:"encoder"`
	Alignment string `json:"alignment"`
	Dim       int    `json:"dim"`
	Count     int    `json:"count"`
}

// LoadEncodingCache reads a cache written by Save. It checks the whole file:
// the header (version, dim in 1..MaxCacheDim, and a count the file's size can
// hold), every key (non-empty, no duplicates), every descriptor (dim finite
// numbers), and that nothing follows the last record. Memory grows with the
// records actually read, never with what the header claims. Errors name the
// file and what was wrong; a missing file matches fs.ErrNotExist.
func LoadEncodingCache(path string) (*EncodingCache, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	c, err := readEncodingCache(bufio.NewReader(f), st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

const (
	// minRecordLen is the smallest record: a 1-byte key length, a 1-byte key
	// and the flag byte.
	minRecordLen = 3
	// maxPresize caps how many entries the map is made for up front (LFW has
	// 13,233 images); a larger cache grows the map as its records are read.
	maxPresize = 1 << 14
)

// readEncodingCache reads a cache of size bytes from r (see LoadEncodingCache).
func readEncodingCache(r *bufio.Reader, size int64) (*EncodingCache, error) {
	magic := make([]byte, len(cacheMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != cacheMagic {
		return nil, fmt.Errorf("not an encodings cache: expected it to start with %q", cacheMagic)
	}
	line, err := r.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("encodings cache header: %w", err)
	}
	var h cacheHeader
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("encodings cache header: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return nil, fmt.Errorf("encodings cache header: expected the line to end after the JSON object, found more")
	}
	if h.Version != cacheVersion {
		return nil, fmt.Errorf("encodings cache header: \"version\" must be %d, found %d", cacheVersion, h.Version)
	}
	if h.Dim < 1 || h.Dim > MaxCacheDim {
		return nil, fmt.Errorf("encodings cache header: \"dim\" must be in 1..%d, found %d", MaxCacheDim, h.Dim)
	}
	rest := max(size-int64(len(cacheMagic)+len(line)), 0)
	if limit := rest / minRecordLen; h.Count < 0 || int64(h.Count) > limit {
		return nil, fmt.Errorf("encodings cache header: \"count\" must be in 0..%d (the %d bytes after the header hold at most that many records of %d bytes or more), found %d",
			limit, rest, minRecordLen, h.Count)
	}
	c := &EncodingCache{Encoder: h.Encoder, Alignment: h.Alignment, Images: make(map[string][]float32, min(h.Count, maxPresize))}
	if h.Dim != face.DescriptorLen {
		c.Dim = h.Dim
	}
	raw := make([]byte, 4*h.Dim)
	for i := range h.Count {
		n, err := binary.ReadUvarint(r)
		if err != nil || n == 0 || n > maxKeyLen {
			return nil, fmt.Errorf("record %d of %d: expected a key length in 1..%d (%v)", i+1, h.Count, maxKeyLen, err)
		}
		key := make([]byte, n)
		if _, err := io.ReadFull(r, key); err != nil {
			return nil, fmt.Errorf("record %d of %d: key: %w", i+1, h.Count, err)
		}
		if _, dup := c.Images[string(key)]; dup {
			return nil, fmt.Errorf("record %d: key %q appears twice", i+1, key)
		}
		flag, err := r.ReadByte()
		if err != nil || flag > 1 {
			return nil, fmt.Errorf("record %d (%q): expected a flag byte 0 or 1, found %d (%v)", i+1, key, flag, err)
		}
		var enc []float32
		if flag == 1 {
			if _, err := io.ReadFull(r, raw); err != nil {
				return nil, fmt.Errorf("record %d (%q): descriptor: %w", i+1, key, err)
			}
			enc = make([]float32, h.Dim)
			for j := range enc {
				enc[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			}
			if err := face.CheckVector(enc, h.Dim); err != nil {
				return nil, fmt.Errorf("record %d (%q): %w", i+1, key, err)
			}
		}
		c.Images[string(key)] = enc
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("expected the file to end after %d records, found more bytes", h.Count)
	}
	return c, nil
}

// Save writes c to path atomically (a temporary file in the same directory,
// synced, then renamed over path), keys in increasing order so the same cache
// always gives the same bytes. It refuses, writing nothing, a cache with an
// empty key, a Dim outside 0..MaxCacheDim or a descriptor that is neither
// empty nor Dim finite numbers. A new file is readable by its owner only (descriptors are
// biometric data).
func (c *EncodingCache) Save(path string) error {
	if c.Dim < 0 || c.Dim > MaxCacheDim {
		return fmt.Errorf("lfw: encodings cache Dim must be in 0..%d, found %d", MaxCacheDim, c.Dim)
	}
	dim := c.dim()
	keys := make([]string, 0, len(c.Images))
	for k, enc := range c.Images {
		if k == "" || len(k) > maxKeyLen {
			return fmt.Errorf("lfw: encodings cache key must have 1..%d bytes, found %d", maxKeyLen, len(k))
		}
		if len(enc) > 0 {
			if err := face.CheckVector(enc, dim); err != nil {
				return fmt.Errorf("lfw: encodings cache %q: %w", k, err)
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		head, err := json.Marshal(cacheHeader{cacheVersion, c.Encoder, c.Alignment, dim, len(keys)})
		if err != nil {
			return err
		}
		bw.WriteString(cacheMagic)
		bw.Write(append(head, '\n'))
		rec := make([]byte, 0, binary.MaxVarintLen64+maxKeyLen+1+4*dim)
		for _, k := range keys {
			rec = binary.AppendUvarint(rec[:0], uint64(len(k)))
			rec = append(rec, k...)
			enc := c.Images[k]
			if len(enc) == 0 {
				rec = append(rec, 0)
			} else {
				rec = append(rec, 1)
				for _, v := range enc {
					rec = binary.LittleEndian.AppendUint32(rec, math.Float32bits(v))
				}
			}
			bw.Write(rec)
		}
		return bw.Flush()
	})
}
