using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Email;

/// <summary>
/// Renders a tenant's email templates with Liquid (Fluid). The first line of a template file is the subject, the rest the
/// body; both see the request's data as top-level variables. Files are read on each call (an edit goes live on the next
/// email), by engine code: tenant code only asks for a template by name. Rendering runs wherever the tenant's code runs (in
/// its sandboxed worker when there is one), bounded in steps, output and collection size; includes read nothing.
/// </summary>
internal sealed partial class EmailTemplates(string tenantDirectory)
{
    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithMaxSteps(EngineDefaults.EmailTemplateSteps)
        .WithMaxOutputSize(EngineDefaults.EmailTemplateOutputChars)
        .WithMaxCollectionSize(EngineDefaults.EmailTemplateCollectionItems)
        .Build();

    private readonly EmailTemplateFiles _files = new(tenantDirectory);

    /// <summary>Returns <paramref name="request"/> with its <c>buildEmail</c> bound to these templates.</summary>
    public EmailRequest Bind(EmailRequest request) =>
        request.WithTemplates((name, token) => RenderAsync(name, request.Data, request.Cultures, token));

    public async Task<EmailContent> RenderAsync(string templateName, IReadOnlyDictionary<string, JsonElement> data, IReadOnlyList<string> cultures, CancellationToken cancellationToken)
    {
        var (displayPath, fullPath) = _files.Find(templateName, cultures);
        var text = await ReadAsync(displayPath, fullPath, cancellationToken).ConfigureAwait(false);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var subjectText = (newline < 0 ? text : text[..newline]).TrimEnd('\r');
        var bodyText = newline < 0 ? "" : text[(newline + 1)..];

        var subject = Parse(displayPath, subjectText, firstLine: 1);
        var body = Parse(displayPath, bodyText, firstLine: 2);
        // The invocation's end bounds a render as it bounds tenant code (Fluid checks the token at each step): one within the
        // step limit may still take minutes, and a render the sender did not await must not outlive its call.
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, InvocationScope.Current?.CancellationToken ?? CancellationToken.None);
        ends.Token.ThrowIfCancellationRequested();
        var context = new TemplateContext(Options) { CancellationToken = ends.Token };
        foreach (var (name, value) in data)
        {
            context.SetValue(name, FluidValue.Create(TemplateValues.From(value), Options));
        }

        return new EmailContent(
            OneLine(await RenderAsync(displayPath, subject, context).ConfigureAwait(false)),
            await RenderAsync(displayPath, body, context).ConfigureAwait(false));
    }

    private static async Task<string> ReadAsync(string displayPath, string fullPath, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(fullPath);
            if (info.Length > EngineDefaults.EmailTemplateFileBytes)
            {
                throw new EmailTemplateException($"{displayPath}: the template is {info.Length} bytes; templates are limited to {EngineDefaults.EmailTemplateFileBytes / 1024} KiB.");
            }

            return await File.ReadAllTextAsync(fullPath, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EmailTemplateException($"{displayPath}: the template could not be read ({exception.Message}).", exception);
        }
    }

    private static IFluidTemplate Parse(string displayPath, string text, int firstLine)
    {
        if (Parser.TryParse(text, out var template, out var error))
        {
            return template;
        }

        // Fluid reports "<reason> at (line:col)" within the text it parsed; the body starts on the file's second line.
        var reason = error.Split('\n')[0].Trim();
        var position = Position().Match(reason);
        if (!position.Success)
        {
            throw new EmailTemplateException($"{displayPath}:{firstLine}: {reason}");
        }

        var line = int.Parse(position.Groups["line"].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture) + firstLine - 1;
        var column = position.Groups["column"].Value;
        throw new EmailTemplateException($"{displayPath}:{line}:{column}: {reason[..position.Index].TrimEnd()}.");
    }

    private static async Task<string> RenderAsync(string displayPath, IFluidTemplate template, TemplateContext context)
    {
        try
        {
            return await template.RenderAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new EmailTemplateException($"{displayPath}: the template failed to render: {exception.Message}", exception);
        }
    }

    // A subject is one header line: a line break from the data ("Ada\r\nBcc: …") would add headers for a provider that
    // writes raw MIME, and fail one that checks. Every control character and Unicode line or paragraph break becomes a space.
    private static string OneLine(string subject) => string.Create(subject.Length, subject, static (chars, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = char.IsControl(text[i]) || text[i] is '\u2028' or '\u2029' ? ' ' : text[i];
        }
    }).Trim();

    [GeneratedRegex(@"\s*at \((?<line>\d+):(?<column>\d+)\)\s*$")]
    private static partial Regex Position();
}
