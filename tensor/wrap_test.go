package tensor

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	gt "gorgonia.org/tensor"
)

type namedFloat float64

// TestWrapMatchesGorgonia checks wrap's template construction against
// gorgonia's own constructor field by field (reflect.DeepEqual sees the
// unexported fields: access pattern, lock, dtype, engines, mask), and that
// the arrays behave alike under gorgonia's reshape, slicing and arithmetic.
func TestWrapMatchesGorgonia(t *testing.T) {
	if !layout.ok {
		t.Fatal("gorgonia's Dense layout not recognised: wrap falls back to gt.New")
	}
	shapes := [][]int{{}, {0}, {1}, {5}, {1, 1}, {3, 1}, {1, 3}, {2, 3}, {3, 0, 2}, {2, 1, 4, 3}, {1, 1, 1, 1, 1, 1, 1, 1}, {2, 1, 1, 1, 1, 1, 1, 1, 2}}
	for _, shp := range shapes {
		n := 1
		for _, d := range shp {
			n *= d
		}
		t.Run(fmt.Sprint(shp), func(t *testing.T) {
			checkWrap(t, shp, seq[float64](n))
			checkWrap(t, shp, seq[float32](n))
			checkWrap(t, shp, seq[int64](n))
			checkWrap(t, shp, make([]bool, n))
			checkWrap(t, shp, seq[namedFloat](n))
			checkWrap(t, shp, append(make([]float64, 0, n+3), seq[float64](n)...)) // spare capacity
		})
	}
}

func seq[T float32 | float64 | int64 | namedFloat](n int) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(i + 1)
	}
	return v
}

func checkWrap[T Elem](t *testing.T, shp []int, data []T) {
	t.Helper()
	want := gt.New(gt.WithShape(shp...), gt.WithBacking(data))
	got := wrap(data, shp)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%T %v: wrap = %#v\ngt.New = %#v", data, shp, got, want)
	}
	if len(data) > 0 && got.Uintptr() != uintptr(unsafe.Pointer(&data[0])) {
		t.Fatalf("%T %v: wrap copied the backing", data, shp)
	}
	if got.Shape().TotalSize() != len(data) || len(shp) > 0 && fmt.Sprint(got.Strides()) != fmt.Sprint(want.Strides()) {
		t.Fatalf("%T %v: shape %v strides %v, want %v %v", data, shp, got.Shape(), got.Strides(), want.Shape(), want.Strides())
	}
	// Reshape hands the old shape back to gorgonia's pool: the array must
	// stay valid and the template untouched.
	if len(data) > 1 {
		if err := got.Reshape(len(data)); err != nil {
			t.Fatal(err)
		}
		if err := want.Reshape(len(data)); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%T %v after Reshape: %v vs %v", data, shp, got, want)
		}
	}
	if tm := templateOf[T](); tm != nil && (fmt.Sprint(tm.Shape()) != "(1)" || tm.Len() != 1) {
		t.Fatalf("template of %T changed: %v", data, tm.Shape())
	}
}

// TestAllocMatchesGorgonia checks Alloc (the data inside the Dense's own
// allocation for small arrays, a separate slice otherwise) against
// gorgonia's constructor over zeros, and that the returned data is the
// array's backing.
func TestAllocMatchesGorgonia(t *testing.T) {
	for _, shp := range [][]int{{}, {0}, {1}, {4}, {5}, {2, 2}, {1, 4}, {2, 3}, {1, 1, 1}, {2, 1, 2}} {
		checkAlloc[float64](t, shp)
		checkAlloc[float32](t, shp)
	}
}

func checkAlloc[T float32 | float64](t *testing.T, shp []int) {
	t.Helper()
	n := 1
	for _, d := range shp {
		n *= d
	}
	got, data := Alloc[T](shp)
	want := gt.New(gt.WithShape(shp...), gt.WithBacking(make([]T, n)))
	if !reflect.DeepEqual(got, want) || len(data) != n || cap(data) != n {
		t.Fatalf("%T %v: Alloc = %#v (len %d cap %d)\ngt.New = %#v", data, shp, got, len(data), cap(data), want)
	}
	for i := range data {
		data[i] = T(i + 1)
	}
	if n > 0 && got.Uintptr() != uintptr(unsafe.Pointer(&data[0])) {
		t.Fatalf("%T %v: data is not the array's backing", data, shp)
	}
	if n > 1 && fmt.Sprint(got.Data()) != fmt.Sprint(data) {
		t.Fatalf("%T %v: array holds %v, data %v", data, shp, got.Data(), data)
	}
}
