package e2e

import "github.com/chromedp/chromedp"

// WebGPUFlags are the Chromium switches, for Browser, that give
// navigator.gpu an adapter in headless Chromium without a GPU (Chromium 156
// on Debian, checked by hand): --enable-unsafe-webgpu alone yields Dawn's
// SwiftShader (Vulkan on the CPU) adapter, "google swiftshader";
// --use-webgpu-adapter=swiftshader pins that adapter so that tests and the
// bench do not depend on the machine's GPU. Adding --use-angle=swiftshader
// makes requestAdapter never settle, and --enable-features=Vulkan changes
// nothing. The page must come from a secure context (http://127.0.0.1 is
// one).
var WebGPUFlags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("enable-unsafe-webgpu", true),
	chromedp.Flag("use-webgpu-adapter", "swiftshader"),
}
