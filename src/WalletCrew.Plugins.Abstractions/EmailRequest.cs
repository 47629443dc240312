using System.Text.Json;

namespace WalletCrew.Plugins;

/// <summary>An email to send: to whom, with which template and data, in which cultures.</summary>
public sealed class EmailRequest
{
    private readonly Func<string, CancellationToken, Task<EmailContent>>? _build;

    internal EmailRequest(
        string tenantId,
        string emailId,
        string recipient,
        string emailTemplate,
        IReadOnlyDictionary<string, JsonElement> data,
        IReadOnlyList<string> cultures,
        Func<string, CancellationToken, Task<EmailContent>>? build = null)
    {
        TenantId = tenantId;
        EmailId = emailId;
        Recipient = recipient;
        EmailTemplate = emailTemplate;
        Data = ReadOnlyCopies.Of(data);
        Cultures = ReadOnlyCopies.Of(cultures);
        _build = build;
    }

    /// <summary>Gets the tenant sending the email.</summary>
    public string TenantId { get; }

    /// <summary>Gets the email's stable identifier: the same on every retry, so use it as an idempotency key towards your provider.</summary>
    public string EmailId { get; }

    /// <summary>Gets the target email address.</summary>
    public string Recipient { get; }

    /// <summary>Gets the name of the template to render.</summary>
    public string EmailTemplate { get; }

    /// <summary>Gets the template data.</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; }

    /// <summary>Gets the culture names to render in, preferred first.</summary>
    public IReadOnlyList<string> Cultures { get; }

    /// <summary>The JavaScript-style <c>buildEmail(templateName)</c> callback.</summary>
    internal Func<string, Task<EmailContent>> BuildEmail => templateName => BuildEmailAsync(templateName);

    /// <summary>Renders the subject and body of a template from the tenant's files with this request's data, in the first of <see cref="Cultures"/> that has one.</summary>
    /// <param name="templateName">The template's name, usually <see cref="EmailTemplate"/>.</param>
    /// <param name="cancellationToken">Cancels the rendering.</param>
    /// <returns>The rendered subject and body.</returns>
    /// <exception cref="EmailTemplateException">No template file matches, or the template does not parse or render.</exception>
    public Task<EmailContent> BuildEmailAsync(string templateName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(templateName);
        return _build is null
            ? throw new InvalidOperationException("This request has no templates to render: the platform binds them when it sends the email.")
            : _build(templateName, cancellationToken);
    }

    /// <summary>Returns a copy whose <see cref="BuildEmailAsync"/> renders with <paramref name="build"/>.</summary>
    internal EmailRequest WithTemplates(Func<string, CancellationToken, Task<EmailContent>> build) =>
        new(TenantId, EmailId, Recipient, EmailTemplate, Data, Cultures, build);
}
