namespace Instruments.Data;

/// <summary>
/// An input that cannot be read as a response file at all: empty, no readable CSV header, an item named twice in
/// the header, not a JSON array, an element over the size limit. A single row that cannot be read is not this: it
/// becomes an invalid result (RSP2010) and reading goes on.
/// </summary>
public sealed class ResponseFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ResponseFileException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    /// <param name="message">What is wrong with the input, naming its line where there is one.</param>
    public ResponseFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <param name="innerException">The cause.</param>
    public ResponseFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
