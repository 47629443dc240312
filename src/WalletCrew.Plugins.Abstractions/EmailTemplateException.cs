namespace WalletCrew.Plugins;

/// <summary>
/// Thrown by <see cref="EmailRequest.BuildEmailAsync"/> when no template file matches, or when the template does not parse or
/// render; the message names the file (and the line and column of a syntax error).
/// </summary>
public sealed class EmailTemplateException : Exception
{
    internal EmailTemplateException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
