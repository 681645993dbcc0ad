using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Instruments.Fhir;

/// <summary>FHIR R4 JSON in and out, with the Firely SDK's serializer and deserializer.</summary>
public static class FhirJson
{
    private static readonly FhirJsonSerializer Serializer = new();

    // Strict: an element that is not FHIR, or a value of the wrong type, makes the resource unreadable (a malformed
    // response, reported), rather than being dropped or kept aside where nobody sees it.
    private static readonly FhirJsonDeserializer Reader = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    /// <summary>Serializes a resource as FHIR JSON.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="pretty">Indented (for files people read) or on one line (NDJSON).</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(Resource resource, bool pretty = true)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Serializer.SerializeToString(resource, pretty);
    }

    /// <summary>Writes a resource as FHIR JSON to a JSON writer (for streaming a Bundle or NDJSON).</summary>
    internal static void Write(Resource resource, System.Text.Json.Utf8JsonWriter writer) => Serializer.Serialize(resource, writer);

    /// <summary>
    /// Reads one resource from FHIR JSON, or says why it cannot be read (invalid JSON, not a resource, elements the
    /// Firely SDK cannot accept).
    /// </summary>
    /// <param name="json">The JSON text of one resource.</param>
    /// <param name="resource">The resource, when it could be read.</param>
    /// <param name="error">Why not, on one line, otherwise null.</param>
    /// <returns>True when it could be read.</returns>
    public static bool TryRead(string json, out Resource? resource, out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            resource = Reader.DeserializeResource(json);
            error = null;
            return true;
        }
        catch (DeserializationFailedException e)
        {
            resource = null;
            error = OneLine(string.Join("; ", e.Exceptions.Take(3).Select(x => x.Message)));
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The deserializer throws more than its own exception type for some inputs (a number where a string
            // belongs, an invalid code): every one of them means this resource cannot be read.
            resource = null;
            error = OneLine(e.Message);
            return false;
        }
    }

    internal static string OneLine(string text)
    {
        var s = text.ReplaceLineEndings(" ").Trim();
        return s.Length <= 300 ? s : s[..300] + "...";
    }
}
