package tensor

import "testing"

func TestOffsetRowMajor(t *testing.T) {
	x := New(2, 3, 4)
	if got := x.Offset(1, 2, 3); got != 1*12+2*4+3 {
		t.Fatalf("Offset(1,2,3) = %d, want 23", got)
	}
	x.Set(7, 1, 0, 2)
	if x.Data[14] != 7 || x.At(1, 0, 2) != 7 {
		t.Fatalf("Set/At disagree with row-major layout: %v", x.Data)
	}
}

func TestFromDataChecksSize(t *testing.T) {
	if _, err := FromData(make([]float32, 5), 2, 3); err == nil {
		t.Fatal("FromData accepted 5 values for shape [2 3]")
	}
	r, err := New(2, 3).Reshape(3, 2)
	if err != nil || r.Shape[0] != 3 {
		t.Fatalf("Reshape: %v %v", r, err)
	}
}

func TestMaxAbsDiff(t *testing.T) {
	a, _ := FromData([]float32{1, 2, 3}, 3)
	b, _ := FromData([]float32{1, 2.5, 2}, 3)
	if d := MaxAbsDiff(a, b); d != 1 {
		t.Fatalf("MaxAbsDiff = %v, want 1", d)
	}
	c := New(1, 3)
	if d := MaxAbsDiff(a, c); d < 1e300 {
		t.Fatalf("different shapes gave %v, want +Inf", d)
	}
}
