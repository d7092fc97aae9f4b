package charts

// CheckGolden is checkGolden for the tests of package charts_test.
var CheckGolden = checkGolden
