namespace WalletCrew.Plugins;

/// <summary>An email rendered by the platform from one of the tenant's templates.</summary>
public sealed class EmailContent
{
    /// <summary>Initializes rendered content.</summary>
    /// <param name="subject">The rendered subject line.</param>
    /// <param name="body">The rendered body.</param>
    public EmailContent(string subject, string body)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(body);
        Subject = subject;
        Body = body;
    }

    /// <summary>Gets the rendered subject line.</summary>
    public string Subject { get; }

    /// <summary>Gets the rendered body.</summary>
    public string Body { get; }
}
