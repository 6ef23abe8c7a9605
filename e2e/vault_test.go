package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/indexeddb"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// vaultPage opens a tab of the browser in ctx (a new one when ctx already
// has one) on url, as a facesPage whose network is not recorded.
func vaultPage(t *testing.T, ctx context.Context, url string) *facesPage {
	step := 0
	return &facesPage{t: t, ctx: ctx, url: url, net: &netLog{}, close: func() {}, step: &step}
}

// rawRecords reads the object store of database at origin as the browser
// holds it on disk, through the DevTools protocol (not the page's code):
// key → value bytes (a Uint8Array's bytes, or a string's).
func rawRecords(t *testing.T, ctx context.Context, origin, database, store string) map[string][]byte {
	t.Helper()
	if _, err := chromedp.Call(ctx, indexeddb.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Call(ctx, indexeddb.RequestData, indexeddb.RequestDataParams{
		SecurityOrigin: origin, DatabaseName: database, ObjectStoreName: store, PageSize: 1000,
	})
	if err != nil {
		t.Fatalf("reading IndexedDB %s/%s: %v", database, store, err)
	}
	out := map[string][]byte{}
	for _, e := range res.ObjectStoreDataEntries {
		var key string
		if err := json.Unmarshal(e.Key.Value, &key); err != nil {
			t.Fatalf("%s/%s: a key that is not text: %s", database, store, e.Key.Value)
		}
		if e.Value.Type == runtime.RemoteObjectTypeString {
			var s string
			json.Unmarshal(e.Value.Value, &s)
			out[key] = []byte(s)
			continue
		}
		r, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
			FunctionDeclaration: `function () { return ArrayBuffer.isView(this) ? Array.from(new Uint8Array(this.buffer, this.byteOffset, this.byteLength)) : [...new TextEncoder().encode(JSON.stringify(this))] }`,
			ObjectID:            e.Value.ObjectID, ReturnByValue: ptr(true),
		})
		if err != nil || r.ExceptionDetails != nil {
			t.Fatalf("%s/%s[%s]: reading the value: %v %v", database, store, key, err, r.ExceptionDetails)
		}
		var b []byte
		var ints []int
		if err := json.Unmarshal(r.Result.Value, &ints); err != nil {
			t.Fatal(err)
		}
		for _, v := range ints {
			b = append(b, byte(v))
		}
		out[key] = b
	}
	return out
}

// checkSealed fails the test unless records holds n sealed records (schema
// version 1 in front, more than its IV and tag) and none holds any of clear.
func checkSealed(t *testing.T, what string, records map[string][]byte, n int, clear map[string][]byte) {
	t.Helper()
	if len(records) != n {
		t.Errorf("%s: %d records, want %d", what, len(records), n)
	}
	for k, v := range records {
		if len(v) <= 2+12+16 || binary.BigEndian.Uint16(v) != 1 {
			t.Errorf("%s: record %s (%d bytes) is not a sealed record of schema version 1", what, k, len(v))
		}
		for name, c := range clear {
			if bytes.Contains(v, c) {
				t.Errorf("%s: record %s holds %s in the clear", what, k, name)
			}
		}
	}
}

// inPage runs an async JS function body in the page, with Visage imported,
// and returns its result.
func inPage[T any](t *testing.T, ctx context.Context, body string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](`(async () => { const { Visage } = await import('./visage.js'); `+body+` })()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("in the page: %v\n%s", err, body)
	}
	return v
}

// legacyGallery writes web/store.js's layout (version 1 of database
// "visage") with one person, whose thumbnail is a solid colour.
const legacyGallery = `await new Promise((resolve, reject) => {
  const req = indexedDB.open('visage', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('faces');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    const tx = db.transaction('faces', 'readwrite');
    const d = Array.from({ length: 128 }, (_, i) => Math.sin(i) / 9);
    tx.objectStore('faces').put(JSON.stringify({ distanceThreshold: 0.55, labeledDescriptors: [{ label: 'Old Friend', descriptors: [d] }] }), 'gallery');
    const img = new ImageData(64, 64);
    for (let i = 0; i < img.data.length; i += 4) img.data.set([10, 200, 30, 255], i);
    tx.objectStore('faces').put({ 'Old Friend': img }, 'thumbs');
    tx.oncomplete = () => { db.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
});`

// TestVaultAtRest: a profile with the older page's gallery (store.js's
// layout, in the clear) opens with that person and their thumbnail moved
// into sealed records; people enrolled in two tabs at once are both kept
// and each tab shows the other's; after a reload everyone is back; and the
// records on disk, read through the DevTools protocol, hold no name,
// descriptor number, thumbnail or JPEG/PNG bytes in the clear.
func TestVaultAtRest(t *testing.T) {
	photoA, photoB := lfwPhoto(t, lfwEnrollA), lfwPhoto(t, lfwCameraB)
	srv := serveSite(t)
	origin := strings.TrimSuffix(srv.URL, "/")
	ctx, _ := openBrowser(t, t.TempDir(), sessionTimeout)

	// The older page's data, written by a script that runs before the
	// page's own: its open of version 1 is queued before the worker's open
	// of version 2, which waits for it to close.
	legacy, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `(async () => { ` + legacyGallery + ` })().catch((err) => console.error('writing the old layout: ' + err));`,
	})
	if err != nil {
		t.Fatal(err)
	}
	a := vaultPage(t, ctx, srv.URL)
	a.load(chromedp.Navigate(srv.URL))
	if _, err := chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: legacy.Identifier}); err != nil {
		t.Fatal(err)
	}
	if s := a.currentStatus(); !strings.Contains(s, "moved 1 saved person into encrypted storage") {
		t.Errorf("the first visit after the upgrade says %q, want it to tell of the person moved", s)
	}
	a.wantPeople("after the migration", "Old Friend: 1 sample")
	if px := eval[[]int](a, `[...document.querySelector('#people li[data-name="Old Friend"] canvas').getContext('2d').getImageData(32, 32, 1, 1).data]`); fmt.Sprint(px) != "[10 200 30 255]" {
		t.Errorf("the migrated thumbnail shows %v, want the saved colour [10 200 30 255]", px)
	}
	if got := eval[string](a, `document.getElementById('threshold-value').textContent`); got != "0.55" {
		t.Errorf("the migrated threshold reads %s, want 0.55", got)
	}
	if old := rawRecords(t, ctx, origin, "visage", "faces"); len(old) != 0 {
		t.Errorf("after the migration the old store still holds %d entries", len(old))
	}

	// Two tabs on the profile enroll one person each.
	bctx, cancelB := chromedp.NewContext(ctx)
	defer cancelB()
	b := vaultPage(t, bctx, srv.URL)
	b.load(chromedp.Navigate(srv.URL))
	enrollFrom := func(p *facesPage, name, photo string) {
		t.Helper()
		before := p.currentStatus()
		p.do(
			chromedp.Evaluate[chromedp.Void](`document.getElementById('enroll-name').value = ''`),
			chromedp.SendKeys(chromedp.ID("enroll-name"), name),
			chromedp.SetUploadFiles(chromedp.ID("enroll-files"), []string{photo}),
		)
		if s, isErr := p.statusAfter(before, analyseTimeout); isErr || !strings.Contains(s, "Enrolled "+name+" from 1 of 1 photo") {
			t.Fatalf("enrolling %s: status %q", name, s)
		}
	}
	peopleIn := func(p *facesPage, want string) {
		t.Helper()
		js, _ := json.Marshal(want)
		p.poll(`[...document.querySelectorAll('#people li .name')].map(e => e.textContent).join(',') === `+string(js)+` ? 'yes' : ''`, time.Minute)
	}
	enrollFrom(a, nameA, photoA)
	peopleIn(b, "Old Friend,"+nameA) // b learned of a's enrollment without a reload
	enrollFrom(b, "George Bush", photoB)
	peopleIn(a, "Old Friend,"+nameA+",George Bush")
	cancelB()

	a.load(chromedp.Reload())
	a.wantPeople("after a reload", "Old Friend: 1 sample", nameA+": 1 sample", "George Bush: 1 sample")

	// What a reader of the profile's files would find: the descriptors and
	// thumbnails the page shows must not be there in the clear.
	shown := inPage[struct {
		Export string
		Thumb  []int
	}](t, ctx, `const v = await Visage.load({ modelsUrl: 'models/', detector: false, vault: true });
		const info = await v.gallery();
		const out = { export: await v.exportGallery(), thumb: [...info.people[1].thumbnail.data.slice(64 * 4 * 30, 64 * 4 * 30 + 32)] };
		v.terminate();
		return out;`)
	var doc struct {
		LabeledDescriptors []struct{ Descriptors [][]float32 }
	}
	if err := json.Unmarshal([]byte(shown.Export), &doc); err != nil || len(doc.LabeledDescriptors) != 3 {
		t.Fatalf("a second instance on the stored gallery exports %.100s (%v)", shown.Export, err)
	}
	clear := map[string][]byte{"a name": []byte(nameA), "another name": []byte("George"), "JPEG bytes": {0xFF, 0xD8, 0xFF}, "PNG bytes": []byte("\x89PNG")}
	d := doc.LabeledDescriptors[1].Descriptors[0]
	clear["a descriptor as float32"] = binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, math.Float32bits(d[0])), math.Float32bits(d[1]))
	clear["a descriptor as text"] = []byte(strings.TrimRight(fmt.Sprintf("%.5f", d[0]), "0"))
	thumb := make([]byte, len(shown.Thumb))
	for i, v := range shown.Thumb {
		thumb[i] = byte(v)
	}
	clear["a thumbnail row"] = thumb
	checkSealed(t, "visage/records", rawRecords(t, ctx, origin, "visage", "records"), 4, clear) // 3 people and the settings
	t.Logf("checked 4 sealed records against %d kinds of plaintext", len(clear))
}

// TestVaultSecrets: a gallery kept under a passphrase and one kept by a
// WebAuthn PRF credential (Chromium's virtual platform authenticator with
// the prf extension) each come back in a new instance with the right
// secret; a wrong passphrase, another protection, and a missing
// authenticator each reject with a clear error and leave the records as
// they were; an encrypted export reads back only with its passphrase.
func TestVaultSecrets(t *testing.T) {
	srv := serveSite(t)
	// WebAuthn refuses IP addresses as relying parties: localhost it is.
	u, _ := url.Parse(srv.URL)
	site := "http://localhost:" + u.Port() + "/"
	origin := strings.TrimSuffix(site, "/")
	ctx, _ := openBrowser(t, t.TempDir(), sessionTimeout)
	p := vaultPage(t, ctx, site)
	p.load(chromedp.Navigate(site))

	person := `{"distanceThreshold":0.5,"labeledDescriptors":[{"label":"Pat Secret","descriptors":[[` + strings.TrimSuffix(strings.Repeat("0.0625,", 128), ",") + `]]}]}`
	open := func(protection string) string {
		return `const v = await Visage.load({ modelsUrl: 'models/', detector: false });
			try { return JSON.stringify(await v.openVault(` + protection + `)); }
			catch (err) { return 'rejected: ' + err.message; }
			finally { v.terminate(); }`
	}
	first := inPage[string](t, ctx, `const v = await Visage.load({ modelsUrl: 'models/', detector: false, vault: { database: 'pp', keyProtection: { passphrase: 'right horse battery' } } });
		await v.importGallery(`+"`"+person+"`"+`);
		const file = await v.exportEncrypted('export passphrase');
		let wrong = '';
		try { await v.importEncrypted(file, 'not it'); } catch (err) { wrong = err.message; }
		await v.clearGallery();
		const back = await v.importEncrypted(file, 'export passphrase');
		v.terminate();
		return JSON.stringify({ file, wrong, back: back.people.map((p) => p.name) });`)
	var exp struct {
		File, Wrong string
		Back        []string
	}
	json.Unmarshal([]byte(first), &exp)
	if strings.Contains(exp.File, "Pat") || !strings.Contains(exp.File, `"format": "visage-gallery"`) || !strings.Contains(exp.File, `"iterations": 600000`) {
		t.Errorf("the encrypted export is not a sealed visage-gallery file: %.300s", exp.File)
	}
	if !strings.Contains(exp.Wrong, "wrong passphrase") || fmt.Sprint(exp.Back) != "[Pat Secret]" {
		t.Errorf("encrypted export: a wrong passphrase gave %q, the right one %v", exp.Wrong, exp.Back)
	}
	before := rawRecords(t, ctx, origin, "pp", "records")
	checkSealed(t, "pp/records", before, 2, map[string][]byte{"the name": []byte("Pat"), "a descriptor": []byte("0.0625")})
	for protection, want := range map[string]string{
		`{ database: 'pp', keyProtection: { passphrase: 'wrong horse battery' } }`: "rejected: visage: the passphrase (or security key) does not open this gallery's key; nothing was changed",
		`{ database: 'pp' }`: "rejected: visage: this gallery's key is protected by passphrase, but device was asked for; nothing was changed",
	} {
		if got := inPage[string](t, ctx, open(protection)); got != want {
			t.Errorf("openVault(%s): %s\nwant %s", protection, got, want)
		}
	}
	if got := inPage[string](t, ctx, open(`{ database: 'pp', keyProtection: { passphrase: 'right horse battery' } }`)); !strings.Contains(got, `"name":"Pat Secret"`) || !strings.Contains(got, `"threshold":0.5`) {
		t.Errorf("reopening with the right passphrase: %s", got)
	}
	if after := rawRecords(t, ctx, origin, "pp", "records"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("the failed opens changed the stored records")
	}

	// WebAuthn PRF.
	if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	auth, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, HasPrf: true, AutomaticPresenceSimulation: true,
	}})
	if err != nil {
		t.Fatal(err)
	}
	made := inPage[string](t, ctx, `const v = await Visage.load({ modelsUrl: 'models/', detector: false, vault: { database: 'prf', keyProtection: 'webauthn-prf' } });
		await v.importGallery(`+"`"+person+"`"+`);
		v.terminate();
		return 'ok';`)
	if made != "ok" {
		t.Fatal(made)
	}
	if got := inPage[string](t, ctx, open(`{ database: 'prf', keyProtection: 'webauthn-prf' }`)); !strings.Contains(got, `"name":"Pat Secret"`) {
		t.Errorf("reopening with the authenticator: %s", got)
	}
	stored := rawRecords(t, ctx, origin, "prf", "records")
	checkSealed(t, "prf/records", stored, 2, map[string][]byte{"the name": []byte("Pat")})
	if _, err := chromedp.Call(ctx, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: auth.AuthenticatorID}); err != nil {
		t.Fatal(err)
	}
	if got := inPage[string](t, ctx, open(`{ database: 'prf', keyProtection: { webauthnPrf: { timeout: 3000 } } }`)); !strings.HasPrefix(got, "rejected: visage: the authenticator did not answer") || !strings.HasSuffix(got, "nothing was changed") {
		t.Errorf("opening without the authenticator: %s", got)
	}
	if after := rawRecords(t, ctx, origin, "prf", "records"); fmt.Sprint(after) != fmt.Sprint(stored) {
		t.Error("the failed open changed the stored records")
	}
}
