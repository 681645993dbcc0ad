namespace Instruments.Fhir;

/// <summary>
/// The input cannot be read as FHIR at all (not JSON, or JSON that is neither a QuestionnaireResponse, a Bundle nor
/// NDJSON): nothing of it can be scored. A single response that cannot be read is not this exception but a malformed
/// <see cref="FhirResponse"/>.
/// </summary>
public sealed class FhirFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FhirFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the input.</param>
    public FhirFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <param name="innerException">The cause.</param>
    public FhirFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
