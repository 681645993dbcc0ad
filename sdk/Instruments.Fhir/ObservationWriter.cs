using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Fhir;

/// <summary>How Observations are written.</summary>
public enum FhirOutputKind
{
    /// <summary>One Bundle of type <c>collection</c> holding every Observation, as one JSON document.</summary>
    Bundle,

    /// <summary>NDJSON as in FHIR bulk data: one Observation per line.</summary>
    Ndjson,
}

/// <summary>
/// Writes scored responses as FHIR R4 Observations, one per score of each response, in input order, streaming: a
/// Bundle of type <c>collection</c> or NDJSON. Each Observation has the score's code (or its title as text when it has
/// none), category <c>survey</c>, the value as a <c>valueQuantity</c> in the UCUM unit <c>{score}</c>, the band's label
/// as its interpretation, the response as <c>derivedFrom</c>, and the response's subject and authored time as its
/// subject and effective time. A score that was not computed has a <c>dataAbsentReason</c> instead of a value (<c>error</c>
/// for an invalid response, else <c>unknown</c>); every flag the response raised and every response diagnostic is a
/// note on each of its Observations, so that nothing about a response is silently lost. Not thread-safe. Call <see cref="Complete"/> after the last response.
/// </summary>
public sealed class ObservationWriter : IDisposable
{
    /// <summary>The UCUM system.</summary>
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>The unit of a score: UCUM's annotation <c>{score}</c>, a dimensionless count.</summary>
    public const string ScoreUnit = "{score}";

    private const string CategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string DataAbsentSystem = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    private readonly ScoringPlan _plan;
    private readonly Stream _output;
    private readonly FhirOutputKind _kind;
    private readonly Utf8JsonWriter _json;
    private long _responses;
    private bool _started;
    private bool _entries;
    private bool _completed;

    /// <summary>Creates a writer.</summary>
    /// <param name="plan">The plan whose results are written.</param>
    /// <param name="output">Where the JSON goes; not disposed by the writer.</param>
    /// <param name="kind">A Bundle or NDJSON.</param>
    public ObservationWriter(ScoringPlan plan, Stream output, FhirOutputKind kind = FhirOutputKind.Bundle)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        _plan = plan;
        _output = output;
        _kind = kind;
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = kind == FhirOutputKind.Ndjson });
    }

    /// <summary>The number of responses written.</summary>
    public long Responses => _responses;

    /// <summary>Writes the Observations of one scored response.</summary>
    /// <param name="result">The response's result.</param>
    /// <param name="response">How to refer to the response (<c>derivedFrom</c>), or null.</param>
    /// <param name="subject">The subject's reference (<c>Patient/123</c>), or null.</param>
    /// <param name="effective">The effective time (the response's <c>authored</c>), or null; one that is not a FHIR dateTime is left out.</param>
    public void Write(ScoreResult result, string? response, string? subject, string? effective)
    {
        ArgumentNullException.ThrowIfNull(result);
        ObjectDisposedException.ThrowIf(_completed, this);
        Start();
        _responses++;
        var observations = Create(result, response, subject, effective);
        for (var s = 0; s < observations.Count; s++)
        {
            var observation = observations[s];
            if (_kind == FhirOutputKind.Bundle)
            {
                if (!_entries)
                {
                    // FHIR JSON has no empty arrays: 'entry' is written with the first Observation.
                    _json.WriteStartArray("entry");
                    _entries = true;
                }

                _json.WriteStartObject();
                _json.WriteString("fullUrl", "urn:uuid:" + observation.Id);
                _json.WritePropertyName("resource");
                FhirJson.Write(observation, _json);
                _json.WriteEndObject();
            }
            else
            {
                FhirJson.Write(observation, _json);
                _json.Flush();
                _json.Reset();
                _output.WriteByte((byte)'\n');
            }
        }

        if (_kind == FhirOutputKind.Bundle && _json.BytesPending > 64 * 1024)
        {
            _json.Flush();
        }
    }

    /// <summary>Ends the Bundle (an empty one when nothing was written) and flushes.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        Start();
        if (_kind == FhirOutputKind.Bundle)
        {
            if (_entries)
            {
                _json.WriteEndArray();
            }

            _json.WriteEndObject();
        }

        _json.Flush();
        _output.Flush();
        _completed = true;
    }

    private void Start()
    {
        if (_started)
        {
            return;
        }

        if (_kind == FhirOutputKind.Bundle)
        {
            _json.WriteStartObject();
            _json.WriteString("resourceType", "Bundle");
            _json.WriteString("type", "collection");
        }

        _started = true;
    }

    /// <summary>Disposes the JSON writer (not the output stream).</summary>
    public void Dispose() => _json.Dispose();

    /// <summary>
    /// The Observations of one scored response, one per score in the plan's order (see <see cref="ObservationWriter"/>).
    /// Their ids are UUIDs derived from the response and the score, so the same input gives the same output.
    /// </summary>
    /// <param name="result">The response's result.</param>
    /// <param name="response">How to refer to the response (<c>derivedFrom</c>), or null.</param>
    /// <param name="subject">The subject's reference, or null.</param>
    /// <param name="effective">The effective time, or null.</param>
    /// <returns>The Observations.</returns>
    public IReadOnlyList<Observation> Create(ScoreResult result, string? response, string? subject, string? effective)
    {
        ArgumentNullException.ThrowIfNull(result);
        var def = _plan.Definition;
        var notes = new List<Annotation>();
        for (var f = 0; f < def.Flags.Length; f++)
        {
            if (result.GetFlag(f) == FlagState.Raised)
            {
                var flag = def.Flags[f];
                notes.Add(new Annotation { Text = new Markdown($"Flag {flag.Id} ({flag.Severity.ToString().ToLowerInvariant()}) raised" + (flag.Message is { } m ? ": " + m : string.Empty)) });
            }
        }

        foreach (var d in result.Diagnostics)
        {
            notes.Add(new Annotation { Text = new Markdown(d.Id + ": " + result.FormatMessage(d)) });
        }

        var list = new List<Observation>(def.Scores.Length);
        for (var s = 0; s < def.Scores.Length; s++)
        {
            var score = def.Scores[s];
            var observation = new Observation
            {
                Id = StableId(_responses, response, def.Id, score.Id),
                Status = ObservationStatus.Final,
                Code = score.Code is { } code
                    ? new CodeableConcept { Coding = [FhirQuestionnaire.Coding(code, null)], Text = score.Title ?? score.Id }
                    : new CodeableConcept { Text = def.Title + ": " + (score.Title ?? score.Id) },
            };
            observation.Category.Add(new CodeableConcept(CategorySystem, "survey", "Survey"));
            if (subject is { Length: > 0 })
            {
                observation.Subject = new ResourceReference(subject);
            }

            if (effective is { Length: > 0 } && FhirDateTime.IsValidValue(effective))
            {
                observation.Effective = new FhirDateTime(effective);
            }

            if (response is { Length: > 0 })
            {
                observation.DerivedFrom.Add(new ResourceReference(response));
            }

            if (result.GetScore(s) is { } value)
            {
                observation.Value = new Quantity { Value = (decimal)value, Unit = ScoreUnit, System = Ucum, Code = ScoreUnit };
                if (result.GetBand(s) is { } band)
                {
                    observation.Interpretation.Add(new CodeableConcept { Text = band });
                }
            }
            else
            {
                observation.DataAbsentReason = new CodeableConcept(DataAbsentSystem, result.Status == ResponseStatus.Invalid ? "error" : "unknown");
            }

            observation.Note.AddRange(notes.Select(n => (Annotation)n.DeepCopy()));
            list.Add(observation);
        }

        return list;
    }

    /// <summary>A UUID (version 8, from SHA-256) of the response's place, its reference, the instrument and the score.</summary>
    private static string StableId(long position, string? response, string instrument, string score)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{position}\0{response}\0{instrument}\0{score}"));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes.AsSpan(0, 16), bigEndian: true).ToString();
    }
}
