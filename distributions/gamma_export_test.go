package distributions

// StandardGammaForTest exposes standardGamma to the external test package
// (gamma_sampler_test.go and the Beta/StudentT tests).
var StandardGammaForTest = standardGamma
