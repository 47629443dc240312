using System.Net.Mail;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Ingestion;

namespace WalletCrew.Plugins.Host.Emails;

/// <summary>Checks an email request, adding one message per bad field (all at once).</summary>
internal static class EmailValidation
{
    public const int MaxRecipientLength = 320;
    public const int MaxCultures = 16;
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void Check(EmailRequestBody body, string? idempotencyKey, IDictionary<string, string[]> errors)
    {
        if (body.Recipient is null)
        {
            errors["recipient"] = ["'recipient' is required: the address to send to, such as 'ada@example.com'."];
        }
        else if (!IsAddress(body.Recipient))
        {
            errors["recipient"] = [$"'recipient' must be one email address such as 'ada@example.com' (at most {MaxRecipientLength} characters, no display name)."];
        }

        if (body.EmailTemplate is null)
        {
            errors["emailTemplate"] = [$"'emailTemplate' is required: the name of a template in {TenantLayout.EmailTemplates}/<template>[.<culture>]{TenantLayout.EmailTemplateExtension}."];
        }
        else if (!TenantLayout.IsValidEmailTemplateName(body.EmailTemplate))
        {
            errors["emailTemplate"] = ["'emailTemplate' must be 1 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit."];
        }

        var cultures = body.Cultures ?? [];
        if (cultures.Count > MaxCultures)
        {
            errors["cultures"] = [$"'cultures' has {cultures.Count} entries; at most {MaxCultures} are accepted."];
        }

        for (var i = 0; i < cultures.Count && i < MaxCultures; i++)
        {
            if (cultures[i] is null || !TenantLayout.IsValidCulture(cultures[i]))
            {
                errors[$"cultures[{i}]"] = [$"'{cultures[i]}' is not a culture name (such as 'fr' or 'fr-CA')."];
            }
        }

        RouteValues.CheckId(IdempotencyHeader, idempotencyKey, errors, required: false);
    }

    private static bool IsAddress(string value) =>
        value.Length <= MaxRecipientLength && MailAddress.TryCreate(value, out var address)
        && string.Equals(address.Address, value, StringComparison.Ordinal) && address.DisplayName.Length == 0;
}
