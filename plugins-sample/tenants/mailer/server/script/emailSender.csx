// "Email sender extensibility": the platform renders the email from this tenant's templates
// (server/email/<template>[.<culture>].liquid) and this script delivers it through the partner's API.
const string API_URL = "https://mail.example";

async Task sendEmail(string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, IReadOnlyList<string> cultures, Func<string, Task<EmailContent>> buildEmail)
{
    var email = await buildEmail(emailTemplate);
    var response = await fetch($"{API_URL}/v1/send", new
    {
        Method = "POST",
        Headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["X-API-KEY"] = await getSecret("MAIL-API-KEY"),
        },
        Body = new { to = recipient, subject = email.Subject, html = email.Body },
        ThrowOnError = true,
    });

    console.log($"Sent '{email.Subject}' to {recipient}: {response.Status}");
}

context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
