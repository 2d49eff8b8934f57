package distributions_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Example is the README's example: a batch of two Normals, scored, differentiated
// and sampled.
func Example() {
	loc := tensor.Vector(0.0, 1.0) // a batch of 2 Normals...
	scale := tensor.Scalar(2.0)    // ...sharing one scale (broadcast)
	d, err := distributions.NewNormal(loc, scale)
	if err != nil {
		log.Fatal(err)
	}
	x := tensor.Vector(0.5, 0.5)
	lp, _ := d.LogProb(x)                  // log p(x), shape (2,)
	g, _ := d.LogProbGrad(x)               // Σ log p(x) and its gradients, no graph
	s, _ := d.Sample(rand.NewPCG(1, 2), 3) // seeded draws, shape (3, 2)
	fmt.Printf("%.4f\n", lp.Float64s())
	fmt.Printf("%.4f %.4f %.4f\n", g.LogProb, g.Params["loc"].Float64s(), g.Params["scale"].Float64s())
	fmt.Println(s.Shape())
	// Output:
	// [-1.6433 -1.6433]
	// -3.2867 [0.1250 -0.1250] [-0.9375]
	// (3, 2)
}
