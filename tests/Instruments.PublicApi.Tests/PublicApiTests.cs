using System.Reflection;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using PublicApiGenerator;

namespace Instruments.PublicApi.Tests;

/// <summary>
/// The public API of each SDK assembly, compared with the approved text file beside this class
/// (<c>PublicApiTests.&lt;Assembly&gt;.approved.txt</c>). Any change to the public surface (a new type, a member made
/// public, a changed signature) fails the test and leaves a <c>.received.txt</c> file: review it, and if the change is
/// intended, copy it over the approved file in the same commit. Nothing is approved automatically.
/// </summary>
[UseReporter(typeof(QuietReporter))]
public sealed class PublicApiTests
{
    private static readonly string[] Names = ["Instruments.Sdk", "Instruments.Compiler", "Instruments.Data", "Instruments.Reports", "Instruments.Hosting", "Instruments.Fhir", "Instruments.Sql"];

    public static TheoryData<string> Assemblies => new(Names);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApi_IsTheApprovedOne(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            ExcludeAttributes = ["System.Runtime.CompilerServices.InternalsVisibleToAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        });
        using (ApprovalResults.ForScenario(assemblyName))
        {
            Approvals.Verify(api);
        }
    }

    [Fact]
    public void EverySdkAssembly_IsCovered()
    {
        // A new assembly under sdk/ must be added to Assemblies (and so get an approved file).
        var root = FindRoot();
        var projects = Directory.GetDirectories(Path.Combine(root, "sdk")).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(projects, Names.Order(StringComparer.Ordinal).ToArray());
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found above " + AppContext.BaseDirectory);
    }
}
