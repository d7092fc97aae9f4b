package storetest

import "testing"

func testUsers(t *testing.T, open Open) {}
