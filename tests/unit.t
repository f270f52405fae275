#!/bin/sh
# Unit tests of the compiler's modules (tests/unit/test_*.c), as TAP.
exec ${POLICYC_WRAP:-} "${UNIT:?set UNIT to the unit-tests binary}"
