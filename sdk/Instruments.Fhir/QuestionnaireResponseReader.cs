using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Fhir;

/// <summary>How a FHIR input is laid out.</summary>
public enum FhirInputKind
{
    /// <summary>NDJSON when the first line is a whole JSON value by itself, otherwise one JSON document.</summary>
    Auto,

    /// <summary>One JSON document: a Bundle (collection, searchset, transaction or any other type) or a single QuestionnaireResponse.</summary>
    Json,

    /// <summary>NDJSON as in FHIR bulk data: one resource per line (a line may also hold a Bundle); read one line at a time.</summary>
    Ndjson,
}

/// <summary>
/// Reads QuestionnaireResponses into item values for one instrument: from a Bundle, a single resource, or NDJSON (read a
/// line at a time, so a bulk export streams). Every QuestionnaireResponse gives exactly one <see cref="FhirResponse"/>, in
/// input order; one that cannot be read is a malformed response, never dropped. Other resources (a Patient or the
/// Questionnaire in a transaction Bundle) are passed over; in NDJSON each is reported once per type as a warning.
/// </summary>
/// <remarks>
/// Items are found with a <see cref="FhirItemMap"/> (inside groups and under answers too). An answer is a
/// <c>valueCoding</c> (matched by system and code to the item's response options' codes), a <c>valueInteger</c> or a
/// <c>valueDecimal</c> (the option value itself, checked by scoring as any input is). A coding that matches no option,
/// another type of answer, several answers to one item, or one item answered under two <c>linkId</c>s is a non-numeric
/// value whose text names the <c>linkId</c>: scoring reports it (RSP2002) and counts the item as missing.
/// </remarks>
public sealed class QuestionnaireResponseReader : IDisposable
{
    private readonly StreamReader _input;
    private readonly InstrumentDefinition _definition;
    private readonly FhirItemMap _map;
    private readonly FhirInputKind _kind;
    private readonly Action<string>? _warnings;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>Creates a reader.</summary>
    /// <param name="input">UTF-8 FHIR JSON; the reader disposes it.</param>
    /// <param name="map">How <c>linkId</c>s find items (<see cref="FhirItemMap.Create(InstrumentDefinition)"/>, or with a Questionnaire).</param>
    /// <param name="kind">How the input is laid out.</param>
    /// <param name="warnings">Receives warnings (a <c>linkId</c> that matches no item, a resource that is not a response), each once; or null.</param>
    public QuestionnaireResponseReader(Stream input, FhirItemMap map, FhirInputKind kind = FhirInputKind.Auto, Action<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(map);
        _input = new StreamReader(input, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true);
        _definition = map.Definition;
        _map = map;
        _kind = kind;
        _warnings = warnings;
    }

    /// <summary>The pass-through field names under which hosts write a response's identity beside its scores.</summary>
    public static IReadOnlyList<string> FieldNames { get; } = ["response", "subject", "authored"];

    /// <summary>
    /// Reads every response, in input order. An NDJSON input is read lazily, a line at a time; a JSON document is read
    /// whole (it is one value) and its responses are then given one by one.
    /// </summary>
    /// <returns>The responses.</returns>
    /// <exception cref="FhirFormatException">The input is not FHIR JSON at all (a document that does not parse, a resource that is neither a response nor a Bundle).</exception>
    public IEnumerable<FhirResponse> ReadAll()
    {
        var kind = _kind;
        string? first = null;
        var line = 0;
        if (kind != FhirInputKind.Json)
        {
            // The first line that holds anything decides (Auto), and is the first NDJSON line.
            while ((first = _input.ReadLine()) is not null)
            {
                line++;
                if (!string.IsNullOrWhiteSpace(first))
                {
                    break;
                }
            }

            if (first is null)
            {
                yield break;
            }

            if (kind == FhirInputKind.Auto)
            {
                kind = IsWholeJson(first) ? FhirInputKind.Ndjson : FhirInputKind.Json;
            }
        }

        if (kind == FhirInputKind.Json)
        {
            var text = first is null ? _input.ReadToEnd() : first + "\n" + _input.ReadToEnd();
            foreach (var response in ReadDocument(text))
            {
                yield return response;
            }

            yield break;
        }

        for (var current = first; current is not null; current = _input.ReadLine(), line++)
        {
            if (string.IsNullOrWhiteSpace(current))
            {
                continue;
            }

            foreach (var response in ReadLine(current, line))
            {
                yield return response;
            }
        }
    }

    private static bool IsWholeJson(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private IEnumerable<FhirResponse> ReadDocument(string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new FhirFormatException("the input is not JSON: " + FhirJson.OneLine(e.Message), e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var type = ResourceType(root);
            if (type == "Bundle")
            {
                foreach (var r in ReadBundle(root, position: null))
                {
                    yield return r;
                }
            }
            else if (type == "QuestionnaireResponse")
            {
                yield return ReadResource(root.GetRawText(), 1, fullUrl: null);
            }
            else
            {
                throw new FhirFormatException(type is null
                    ? "the input is not a FHIR resource (no resourceType); expected a Bundle, a QuestionnaireResponse or NDJSON"
                    : $"the input is a {type}, not a Bundle or a QuestionnaireResponse");
            }
        }
    }

    private IEnumerable<FhirResponse> ReadLine(string line, int number)
    {
        JsonDocument? doc = null;
        string? invalid = null;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            invalid = "invalid JSON: " + FhirJson.OneLine(e.Message);
        }

        if (doc is null)
        {
            yield return MalformedResponse(number, invalid!);
            yield break;
        }

        using (doc)
        {
            var type = ResourceType(doc.RootElement);
            if (type == "Bundle")
            {
                foreach (var r in ReadBundle(doc.RootElement, number))
                {
                    yield return r;
                }
            }
            else if (type == "QuestionnaireResponse")
            {
                yield return ReadResource(line, number, fullUrl: null);
            }
            else if (type is null)
            {
                yield return MalformedResponse(number, "not a FHIR resource (no resourceType)");
            }
            else
            {
                Warn("type\0" + type, $"NDJSON: {type} resources are not QuestionnaireResponses; passed over (first at line {number})");
            }
        }
    }

    /// <summary>The QuestionnaireResponses of a Bundle, in entry order; <paramref name="position"/> is the NDJSON line, if any.</summary>
    private IEnumerable<FhirResponse> ReadBundle(JsonElement bundle, int? position)
    {
        if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            index++;
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("resource", out var resource))
            {
                continue; // a transaction's DELETE, a search's outcome without a resource: no response here
            }

            var type = ResourceType(resource);
            if (type != "QuestionnaireResponse")
            {
                if (type is null)
                {
                    yield return MalformedResponse(position ?? index, $"Bundle entry {index}: not a FHIR resource (no resourceType)");
                }

                continue;
            }

            var fullUrl = entry.TryGetProperty("fullUrl", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            yield return ReadResource(resource.GetRawText(), position ?? index, fullUrl);
        }
    }

    private static string? ResourceType(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;

    private FhirResponse MalformedResponse(int position, string reason) =>
        new(position, _definition.Items.Length) { Malformed = reason };

    private FhirResponse ReadResource(string json, int position, string? fullUrl)
    {
        if (!FhirJson.TryRead(json, out var resource, out var error) || resource is not QuestionnaireResponse qr)
        {
            return MalformedResponse(position, "QuestionnaireResponse cannot be read: " + (error ?? "not a QuestionnaireResponse"));
        }

        try
        {
            var response = new FhirResponse(position, _definition.Items.Length)
            {
                Id = qr.Id,
                Reference = fullUrl ?? (qr.Id is { Length: > 0 } id ? "QuestionnaireResponse/" + id : null),
                Subject = qr.Subject?.Reference,
                Authored = qr.AuthoredElement?.Value,
                Questionnaire = qr.Questionnaire,
            };
            var answeredBy = new string?[_definition.Items.Length];
            ReadItems(qr.Item, response, answeredBy);
            return response;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The deserializer keeps a value of the wrong type (a number as a linkId) and throws when it is read.
            return MalformedResponse(position, "QuestionnaireResponse cannot be read: " + FhirJson.OneLine(e.Message));
        }
    }

    private void ReadItems(List<QuestionnaireResponse.ItemComponent> items, FhirResponse response, string?[] answeredBy)
    {
        foreach (var qi in items)
        {
            var index = _map.Find(qi.LinkId);
            if (index >= 0)
            {
                ReadAnswer(qi, index, response, answeredBy);
            }
            else if (qi.Answer.Count > 0)
            {
                response.UnmatchedList.Add(qi.LinkId ?? string.Empty);
                Warn("link\0" + qi.LinkId, $"linkId '{qi.LinkId}' matches no item of '{_definition.Id}'; its answers are ignored");
            }

            // Groups nest items; questions may nest items under their answers.
            ReadItems(qi.Item, response, answeredBy);
            foreach (var answer in qi.Answer)
            {
                ReadItems(answer.Item, response, answeredBy);
            }
        }
    }

    private void ReadAnswer(QuestionnaireResponse.ItemComponent qi, int index, FhirResponse response, string?[] answeredBy)
    {
        var linkId = qi.LinkId;
        if (qi.Answer.Count == 0)
        {
            return; // not answered: missing, as an empty cell is
        }

        var values = response.ValueArray;
        var texts = response.TextArray;
        if (answeredBy[index] is { } earlier)
        {
            values[index] = ResponseValue.NonNumeric;
            texts[index] = $"linkId '{linkId}': item '{_definition.Items[index].Id}' is also answered under linkId '{earlier}'; one answer expected";
            return;
        }

        answeredBy[index] = linkId;
        if (qi.Answer.Count > 1)
        {
            values[index] = ResponseValue.NonNumeric;
            texts[index] = $"linkId '{linkId}': {qi.Answer.Count} answers; one expected";
            return;
        }

        switch (qi.Answer[0].Value)
        {
            case Coding coding:
                var option = FindOption(index, coding);
                if (option is null)
                {
                    values[index] = ResponseValue.NonNumeric;
                    texts[index] = coding.System is null
                        ? $"linkId '{linkId}': coding '{coding.Code}' has no system, so it matches none of the item's answer codes"
                        : $"linkId '{linkId}': coding {FhirQuestionnaire.Describe(coding)} is none of the item's answer codes";
                }
                else
                {
                    values[index] = ResponseValue.FromInteger(option.Value);
                }

                break;
            case Integer { Value: { } integer }:
                values[index] = ResponseValue.FromInteger(integer);
                break;
            case FhirDecimal { Value: { } number }:
                values[index] = ResponseValue.FromNumber((double)number);
                break;
            case { } other:
                values[index] = ResponseValue.NonNumeric;
                texts[index] = $"linkId '{linkId}': a value{other.TypeName} answer; expected valueCoding, valueInteger or valueDecimal";
                break;
            default:
                break; // an answer without a value: not answered
        }
    }

    private ResponseOption? FindOption(int item, Coding coding)
    {
        if (_definition.FindScale(_definition.Items[item].Scale) is not { } scale)
        {
            return null;
        }

        foreach (var option in scale.Options)
        {
            if (option.Code is { } code && code.Matches(coding.System, coding.Code))
            {
                return option;
            }
        }

        return null;
    }

    private void Warn(string key, string message)
    {
        if (_warned.Add(key))
        {
            _warnings?.Invoke(message);
        }
    }

    /// <summary>Closes the input.</summary>
    public void Dispose() => _input.Dispose();
}
