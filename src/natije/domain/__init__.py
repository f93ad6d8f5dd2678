"""The domain core: entities and rules of state-program monitoring. Pure: no I/O, no store, no edges."""
