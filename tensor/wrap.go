package tensor

import (
	"reflect"
	"slices"
	"unsafe"

	gt "gorgonia.org/tensor"
)

// wrap builds a Dense over data of a shape already checked.
//
// gorgonia's constructor costs ~250 ns and 7 allocations per array (its
// functional options, a sync.Pool miss for each of shape and strides, a
// reflect round trip for the backing), which is half of a whole LogProb
// at n=1. wrap instead copies a finished template of the dtype and points
// its shape, strides and backing at fresh memory: one allocation holds the
// Dense with its shape and strides. The fields are found by reflection
// once; when the gorgonia version in go.mod does not have the layout
// denseLayout expects, every array goes through gt.New as before.
// TestWrapMatchesGorgonia checks the two constructions give deeply equal
// arrays for every dtype and many shapes.
func wrap[T Elem](data []T, shp []int) *Dense {
	nd := len(shp)
	tmpl := templateOf[T]()
	if !layout.ok || nd > boxDims || tmpl == nil {
		// A copy, so that a caller's shp (often on its stack) does not
		// escape through gorgonia's options.
		return gt.New(gt.WithShape(slices.Clone(shp)...), gt.WithBacking(data))
	}
	if nd <= 2 { // most arrays: a smaller allocation is less for the GC to sweep
		b := new(denseBox[[4]int])
		setDense(&b.d, tmpl, b.ints[:], data, shp)
		return &b.d
	}
	b := new(denseBox[[2 * boxDims]int])
	setDense(&b.d, tmpl, b.ints[:], data, shp)
	return &b.d
}

// alloc is Alloc's construction: for at most 4 elements and 2 dims the
// data sit in the Dense's own allocation (one allocation per result, as
// LogProb and Sample return at n = 1), else wrap over a new slice.
func alloc[T Float](shp []int, n int) (*Dense, []T) {
	if tmpl := templateOf[T](); layout.ok && tmpl != nil && n <= 4 && len(shp) <= 2 {
		b := new(denseBoxData[T])
		data := b.data[:n:n]
		setDense(&b.d, tmpl, b.ints[:], data, shp)
		return &b.d, data
	}
	data := make([]T, n)
	return wrap(data, shp), data
}

// setDense makes d a copy of the template tmpl over data, with shape shp
// and its row-major strides in ints (at least 2·len(shp) long).
func setDense[T Elem](d, tmpl *gt.Dense, ints []int, data []T, shp []int) {
	nd := len(shp)
	*d = *tmpl
	shape := ints[0:nd:nd]
	copy(shape, shp)
	var strides []int
	if nd > 0 { // a scalar keeps the template's nil strides, as gorgonia does
		strides = ints[nd : 2*nd : 2*nd]
		acc := 1
		for i := nd - 1; i >= 0; i-- {
			strides[i] = acc
			acc *= shp[i]
		}
	}
	p := unsafe.Pointer(d)
	*(*[]int)(unsafe.Add(p, layout.shape)) = shape
	*(*[]int)(unsafe.Add(p, layout.strides)) = strides
	var z T
	sz := int(unsafe.Sizeof(z))
	raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(data))), cap(data)*sz)
	*(*[]byte)(unsafe.Add(p, layout.raw)) = raw[:len(data)*sz]
}

// boxDims is the most dimensions wrap's single allocation holds; gorgonia's
// own pools stop at 8 too.
const boxDims = 8

// denseBox is a Dense with room for its shape and strides.
type denseBox[A [4]int | [2 * boxDims]int] struct {
	d    gt.Dense
	ints A
}

// denseBoxData is a Dense of at most 2 dims and 4 elements with its shape,
// strides and data.
type denseBoxData[T Float] struct {
	d    gt.Dense
	ints [4]int
	data [4]T
}

// denseLayout holds the byte offsets, inside gt.Dense, of the three fields
// wrap sets, and whether they were found with the expected types.
type denseLayout struct {
	shape, strides, raw uintptr
	ok                  bool
}

var layout = findLayout()

// findLayout locates AP.shape, AP.strides and array.Header.Raw in gt.Dense.
func findLayout() (l denseLayout) {
	dense := reflect.TypeFor[gt.Dense]()
	field := func(t reflect.Type, name string) (reflect.StructField, bool) {
		if t.Kind() != reflect.Struct {
			return reflect.StructField{}, false
		}
		return t.FieldByName(name)
	}
	ap, ok1 := field(dense, "AP")
	shape, ok2 := field(ap.Type, "shape")
	strides, ok3 := field(ap.Type, "strides")
	arr, ok4 := field(dense, "array")
	hdr, ok5 := field(arr.Type, "Header")
	raw, ok6 := field(hdr.Type, "Raw")
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return l
	}
	intsT, bytesT := reflect.TypeFor[[]int](), reflect.TypeFor[[]byte]()
	if !shape.Type.ConvertibleTo(intsT) || shape.Type.Kind() != reflect.Slice ||
		strides.Type != intsT || raw.Type != bytesT {
		return l
	}
	return denseLayout{
		shape:   ap.Offset + shape.Offset,
		strides: ap.Offset + strides.Offset,
		raw:     arr.Offset + hdr.Offset + raw.Offset,
		ok:      true,
	}
}

// Templates: 1-element vectors from gorgonia's constructor, so that every
// other field (dtype, engines, flags, the locked access pattern) is what
// gt.New sets. wrap replaces shape, strides and backing.
var (
	tmplF32  = gt.New(gt.WithShape(1), gt.WithBacking([]float32{0}))
	tmplF64  = gt.New(gt.WithShape(1), gt.WithBacking([]float64{0}))
	tmplI64  = gt.New(gt.WithShape(1), gt.WithBacking([]int64{0}))
	tmplBool = gt.New(gt.WithShape(1), gt.WithBacking([]bool{false}))
)

func templateOf[T Elem]() *gt.Dense {
	var z T
	switch any(z).(type) {
	case float32:
		return tmplF32
	case float64:
		return tmplF64
	case int64:
		return tmplI64
	case bool:
		return tmplBool
	}
	// A named element type (~float64) keeps gorgonia's own construction
	// of its dtype.
	return nil
}
