"""The web platform (SPEC §7): Django on top of the pure scoring core."""
