using System.Text.Json;
using Instruments.Definitions;
using Instruments.Diagnostics;

namespace Instruments.Course;

/// <summary>
/// Writes a <see cref="ProtocolPlan"/> as JSON, the shape <c>instruments describe &lt;protocol&gt; --format json</c> prints
/// and the service's <c>GET /instruments/{id}</c> answers: id (as <c>protocol</c>), version, title, citation, notes;
/// the measures (member id, instrument and its version, score, caseness with its sources, the reliable change rule
/// named and, when the score declares it, its method, threshold and sources); the outcomes in order (id, title,
/// <c>when</c>, sources); the alliance and outcome pairing or null. Snake-case keys; absent values are null.
/// </summary>
public static class ProtocolJsonWriter
{
    /// <summary>The protocol as a JSON string, written with <see cref="DiagnosticWriters.JsonOptions"/>.</summary>
    /// <param name="plan">The compiled protocol.</param>
    /// <returns>The JSON text (no final newline).</returns>
    public static string ToJson(ProtocolPlan plan) => DiagnosticWriters.Write(w => Write(w, plan));

    /// <summary>Writes the protocol as one JSON object (see <see cref="ToJson"/>).</summary>
    /// <param name="w">The writer.</param>
    /// <param name="plan">The compiled protocol.</param>
    public static void Write(Utf8JsonWriter w, ProtocolPlan plan)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(plan);
        var def = plan.Definition;
        w.WriteStartObject();
        w.WriteString("protocol", def.Id);
        w.WriteString("version", def.Version);
        w.WriteString("title", def.Title);
        w.WriteString("citation", def.Citation);
        w.WriteString("notes", def.Notes);
        w.WriteStartArray("measures");
        foreach (var m in plan.Members)
        {
            w.WriteStartObject();
            w.WriteString("id", m.Id);
            w.WriteString("instrument", m.Plan.Definition.Id);
            w.WriteString("instrument_version", m.Plan.Definition.Version);
            w.WriteString("score", m.Score.Id);
            if (m.Score.Change?.Caseness is { } c)
            {
                w.WriteStartObject("caseness");
                if (c.Min is { } min)
                {
                    w.WriteNumber("min", min);
                }

                if (c.Max is { } max)
                {
                    w.WriteNumber("max", max);
                }

                Strings(w, "sources", c.Sources);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("caseness");
            }

            w.WriteString("reliable_change", m.Measure.ReliableChange);
            if (m.ReliableChange is { } r)
            {
                w.WriteStartObject("reliable_change_rule");
                w.WriteString("method", r.Method == ReliableChangeMethod.Fixed ? "fixed" : "jacobson-truax");
                w.WriteNumber("threshold", r.PointThreshold);
                Strings(w, "sources", r.Sources);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("outcomes");
        foreach (var o in plan.Outcomes)
        {
            w.WriteStartObject();
            w.WriteString("id", o.Id);
            w.WriteString("title", o.Title);
            w.WriteString("when", o.When);
            Strings(w, "sources", o.Sources);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (plan.AllianceOutcome is { } pairing)
        {
            w.WriteStartObject("alliance_outcome");
            w.WriteString("alliance", pairing.Alliance.Id);
            w.WriteString("outcome", pairing.Outcome.Id);
            w.WriteNumber("early_sessions", pairing.EarlySessions);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("alliance_outcome");
        }
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
