package main

import (
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"visage/core/art"
	"visage/core/atomicfile"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/vgg19"
)

func init() {
	register("stylize", "paint a content photo in the style of a painting (neural style transfer)", runStylize)
}

// stylizeResult is the --json output.
type stylizeResult struct {
	Steps     int       `json:"steps"`
	Loss      []float64 `json:"loss"` // J before each step
	MsPerStep float64   `json:"ms_per_step"`
	Evals     int       `json:"evaluations"` // forward+backward passes (L-BFGS line searches add some)
	Out       string    `json:"out"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
}

func runStylize(args []string) error {
	fs := newFlagSet("stylize", "--content C --style S --out OUT.png [flags]")
	contentPath := fs.String("content", "", "content photo (JPEG, PNG, GIF, WebP; greyscale is fine)")
	stylePath := fs.String("style", "", "style image (a painting)")
	out := fs.String("out", "", "output PNG, written atomically")
	size := fs.Int("size", 256, "working size: the content's longer side is resized to this; the style is scaled to cover the content and centre-cropped")
	steps := fs.Int("steps", 200, "Adam steps")
	alpha := fs.Float64("alpha", 10, "α, weight of the content cost (conv4_2)")
	beta := fs.Float64("beta", 40, "β, weight of the style cost (conv1_1…conv5_1, λ = 0.2 each)")
	tv := fs.Float64("tv", 0, "weight of the total-variation cost (0: off)")
	lr := fs.Float64("lr", 2, "Adam learning rate in pixel units (lbfgs: the first step's largest pixel change)")
	noise := fs.Float64("noise", 0.6, "share of noise in the initial image, 0..1")
	seed := fs.Uint64("seed", 1, "seed of the initial noise")
	pool := fs.String("pool", "avg", "pooling between VGG blocks: avg or max")
	optimizer := fs.String("optimizer", "adam", "adam (the course's) or lbfgs")
	preserve := fs.Bool("preserve-color", false, "keep the content's colours: the result's luminance with the content's chroma (YCbCr)")
	every := fs.Int("every", 0, "with --frames, save the image every K steps")
	frames := fs.String("frames", "", "directory for the frames of --every")
	asJSON := fs.Bool("json", false, `print {"steps","loss","ms_per_step",…} as JSON on stdout`)
	vggDir := fs.String("vgg", "", "directory of the VGG-19 weights (default $"+assets.EnvVGG19+", else ../shared/models/vgg19)")
	if err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	if err := checkStylizeFlags(fs, *contentPath, *stylePath, *out, *size, *steps, *every, *frames); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--alpha", *alpha}, {"--beta", *beta}, {"--tv", *tv}} {
		if !(f.v >= 0 && f.v <= 1e12) {
			return usagef("%s %v: want a number ≥ 0", f.name, f.v)
		}
	}
	if !(*lr > 0 && *lr <= 1e6) || !(*noise >= 0 && *noise <= 1) {
		return usagef("--lr %v, --noise %v: want lr > 0 and noise in 0..1", *lr, *noise)
	}
	pooling, err := vgg19.ParsePooling(*pool)
	if err != nil {
		return usagef("--pool %q: want avg or max", *pool)
	}
	opts := art.DefaultOptions()
	opts.Cost.Alpha, opts.Cost.Beta, opts.Cost.TV = *alpha, *beta, *tv
	opts.LR, opts.NoiseRatio, opts.Seed = *lr, *noise, *seed
	if *optimizer != "adam" && *optimizer != "lbfgs" {
		return usagef("--optimizer %q: want adam or lbfgs", *optimizer)
	}
	opts.Optimizer = *optimizer

	net, err := loadVGG(*vggDir)
	if err != nil {
		return err
	}
	net.Pool = pooling
	content, err := imageio.DecodePhoto(*contentPath) // upright (EXIF), size-bounded
	if err != nil {
		return err
	}
	style, err := imageio.DecodePhoto(*stylePath)
	if err != nil {
		return err
	}
	content, style, err = art.FitPair(content, style, *size)
	if err != nil {
		return err
	}
	if err := art.CheckMemory(net, content.Shape[0], content.Shape[1], art.NativeMemoryBudget); err != nil {
		return usagef("--size %d: %v", *size, err)
	}
	st, err := art.NewStylizer(net, content, style, opts)
	if err != nil {
		return err
	}
	finish := func(img *tensor.Tensor) *tensor.Tensor {
		if *preserve {
			return art.PreserveColor(img, content)
		}
		return img
	}
	if *frames != "" {
		if err := os.MkdirAll(*frames, 0o755); err != nil {
			return err
		}
	}

	res := stylizeResult{Steps: *steps, Out: *out, Height: content.Shape[0], Width: content.Shape[1]}
	bar := newProgressBar(*steps)
	start := time.Now()
	for i := range *steps {
		c, err := st.Step()
		if err != nil {
			return err
		}
		res.Loss = append(res.Loss, c.Total)
		bar.update(i+1, func(el time.Duration) string {
			per := el / time.Duration(i+1)
			left := per * time.Duration(*steps-i-1)
			return fmt.Sprintf("J %.4g  %s/step  ETA %s", c.Total, per.Round(time.Millisecond), left.Round(time.Second))
		})
		if *every > 0 && (i+1)%*every == 0 {
			name := filepath.Join(*frames, fmt.Sprintf("frame-%05d.png", i+1))
			if err := writePNGAtomic(name, finish(st.Image())); err != nil {
				return err
			}
		}
	}
	res.MsPerStep = time.Since(start).Seconds() * 1000 / float64(*steps)
	res.Evals = st.Evaluations()
	bar.finish()
	if err := writePNGAtomic(*out, finish(st.Image())); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(res)
	}
	fmt.Printf("%s: %d×%d, %d steps, J %.4g → %.4g, %.0f ms/step\n", *out, res.Width, res.Height,
		*steps, res.Loss[0], res.Loss[len(res.Loss)-1], res.MsPerStep)
	return nil
}

// checkStylizeFlags reports missing or out-of-range flags as usage errors.
func checkStylizeFlags(fs *flag.FlagSet, content, style, out string, size, steps, every int, frames string) error {
	var missing []string
	for _, f := range []struct{ name, v string }{{"--content", content}, {"--style", style}, {"--out", out}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	switch {
	case len(missing) > 0:
		return usagef("missing %s (see `visage %s -h`)", strings.Join(missing, ", "), fs.Name())
	case size < 8 || size > 2048:
		return usagef("--size %d: want 8..2048", size)
	case steps < 1:
		return usagef("--steps %d: want ≥ 1", steps)
	case every < 0 || (every > 0) != (frames != ""):
		return usagef("--every K and --frames DIR go together (K ≥ 1)")
	}
	return nil
}

// loadVGG loads the weights from dir, or from assets.VGG19Dir when dir is empty.
func loadVGG(dir string) (*vgg19.Net, error) {
	if dir == "" {
		d, err := assets.VGG19Dir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	net, err := vgg19.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%w (weights directory %s; see --vgg)", err, dir)
	}
	return net, nil
}

// writePNGAtomic encodes img ([H,W,3] RGB 0..255) as PNG into path, which is
// never left half written.
func writePNGAtomic(path string, img *tensor.Tensor) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := png.Encode(w, imageio.ToImage(img)); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
