using System.Runtime.CompilerServices;

// The scoring hot path builds small structs (diagnostics) and stackalloc'd evaluation stacks in loops; every one is
// fully written before it is read, so the runtime's zeroing of locals is pure overhead there.
[module: SkipLocalsInit]
