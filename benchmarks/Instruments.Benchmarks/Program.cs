using BenchmarkDotNet.Running;

// (Not typeof(Program): the host's top-level Program is visible here too.)
BenchmarkSwitcher.FromAssembly(typeof(Instruments.Benchmarks.ScoreOneResponse).Assembly).Run(args);
