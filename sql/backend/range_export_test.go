package backend

// BinCompareForTest is binCompare (range_sortkey.go).
var BinCompareForTest = binCompare
