package distributions_test

import (
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
	"testing"
)

func TestNilValuesNeverPanic(t *testing.T) {
	var nilDense *tensor.Dense
	n, err := distributions.NewNormal(tensor.Scalar(0.0), tensor.Scalar(1.0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := distributions.NewBernoulli(tensor.Scalar(0.5))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []tensor.Value{nil, nilDense} {
		if _, err := n.LogProb(v); err == nil {
			t.Error("Normal.LogProb(nil): no error")
		}
		if _, err := n.CDF(v); err == nil {
			t.Error("Normal.CDF(nil): no error")
		}
		if _, err := n.ICDF(v); err == nil {
			t.Error("Normal.ICDF(nil): no error")
		}
		if _, err := n.LogProbGrad(v); err == nil {
			t.Error("Normal.LogProbGrad(nil): no error")
		}
		if _, err := b.LogProb(v); err == nil {
			t.Error("Bernoulli.LogProb(nil): no error")
		}
	}
	if _, err := distributions.NewNormal(nilDense, tensor.Scalar(1.0)); err == nil {
		t.Error("NewNormal(nil loc): no error")
	}
	if _, err := distributions.NewBernoulliLogits(nilDense); err == nil {
		t.Error("NewBernoulliLogits(nil): no error")
	}
	if err := n.LogProbInto(nil, tensor.Scalar(0.0)); err == nil {
		t.Error("LogProbInto(nil dst): no error")
	}
}
