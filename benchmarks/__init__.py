"""Scale data and timings for the member register (not part of the test suite; `make bench`)."""
