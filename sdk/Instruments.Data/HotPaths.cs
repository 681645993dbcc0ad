using System.Reflection;
using System.Runtime.CompilerServices;
using Instruments.Data.IO;
using Instruments.Threading;

namespace Instruments.Data;

/// <summary>
/// Compiles the scoring pipeline's hot loops ahead of their first call. They are marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/> (fully optimised at once, never precompiled), so each is
/// jitted when first called: about 20 ms before the first rows come out. Started on a thread of its own while the
/// main thread compiles the instrument, that work runs on the other core instead of in the way.
/// </summary>
internal static class HotPaths
{
    /// <summary>Starts jitting, in the background, the hot loops of reading <paramref name="inputFormat"/> and writing <paramref name="outputFormat"/>.</summary>
    public static void PrepareInBackground(DataFormat inputFormat, DataFormat outputFormat) =>
        Start("instruments: prepare", Types(inputFormat, outputFormat == DataFormat.Csv ? typeof(CsvResultFormat) : null, typeof(ScoringPipeline)));

    private static int _trackingStarted;

    /// <summary>
    /// Starts jitting, in the background, the hot loops of tracking: reading <paramref name="inputFormat"/>, scoring,
    /// the tracker, and writing <paramref name="outputFormat"/>. Once per process: a second call does nothing.
    /// </summary>
    public static void PrepareTrackingInBackground(DataFormat inputFormat, DataFormat outputFormat)
    {
        if (Interlocked.Exchange(ref _trackingStarted, 1) == 0)
        {
            Start("instruments: prepare tracking", Types(inputFormat, outputFormat == DataFormat.Csv ? typeof(CsvTrackingWriter) : null,
                typeof(ScoringPipeline), typeof(TrackingPipeline), typeof(TrackedRowFormat), typeof(TrackedRow), typeof(TrackedRowSink), typeof(Tracker),
                typeof(AdministrationStore), typeof(ClientRuns), typeof(HashSet64), typeof(ClientCourse), typeof(Course.CourseAnalyzer), typeof(Course.Occasion),
                typeof(Course.ProtocolPlan)));
        }
    }

    private static int _agreementStarted;

    /// <summary>
    /// Starts jitting, in the background, the hot loops of an agreement run (two inputs of
    /// <paramref name="inputFormat"/> read and scored, the records merged): what <c>agree</c> would otherwise jit on
    /// its first rows, on the critical path. Once per process.
    /// </summary>
    public static void PrepareAgreementInBackground(DataFormat inputFormat)
    {
        if (Interlocked.Exchange(ref _agreementStarted, 1) == 0)
        {
            Start("instruments: prepare agreement", Types(inputFormat, csvWriter: null,
                typeof(ScoringPipeline), typeof(TrackedRowFormat), typeof(TrackedRow), typeof(HashSet64), typeof(Course.Occasion)));
        }
    }

    // The given types, then those of reading inputFormat and, with a CSV writer, of writing CSV through it.
    private static List<Type> Types(DataFormat inputFormat, Type? csvWriter, params Type[] types)
    {
        var list = new List<Type>(types);
        if (inputFormat == DataFormat.Csv)
        {
            list.Add(typeof(CsvRowReader));
        }

        if (csvWriter is not null)
        {
            list.Add(csvWriter);
            list.Add(typeof(NumberFormatter));
        }

        if (inputFormat == DataFormat.Csv || csvWriter is not null)
        {
            list.Add(typeof(Csv));
        }

        return list;
    }

    private static void Start(string name, List<Type> types) => new Thread(() => Prepare(types)) { IsBackground = true, Name = name }.Start();

    /// <summary>The longest this work waits, in all, for critical start-up work (<see cref="StartupWork"/>).</summary>
    private const int MaxYieldMilliseconds = 250;

    private static void Prepare(List<Type> types)
    {
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        var deadline = Environment.TickCount64 + MaxYieldMilliseconds;
        foreach (var type in types)
        {
            foreach (var t in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).Prepend(type))
            {
                if (t == typeof(TrackingPipeline.GroupScan))
                {
                    // The pre-scan runs only for an input found not grouped by client, a long run anyway: it is jitted
                    // when first called rather than at every start.
                    continue;
                }

                foreach (var method in t.GetMethods(all))
                {
                    if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) == 0 || method.ContainsGenericParameters)
                    {
                        continue;
                    }

                    // The command's main thread may be waiting for critical work (instrument files parsed ahead): on a
                    // machine with two cores, this would take half of the core that work runs on.
                    StartupWork.WaitWhileCritical(deadline);

                    try
                    {
                        RuntimeHelpers.PrepareMethod(method.MethodHandle);
                    }
                    catch (Exception)
                    {
                        // Only a head start: a method that cannot be prepared here is jitted on its first call as usual.
                    }
                }
            }
        }
    }
}
