using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Email;

/// <summary>A SendEmail that cannot bind is a load-time diagnostic at file:line:col, like the other registration points.</summary>
public sealed class EmailBindingDiagnosticsTests
{
    private const string File = "server/script/connector.csx";

    private const string Signature = "SendEmail(recipient, emailTemplate, data, cultures, buildEmail)";

    [Fact]
    public void AWrongParameterTypeIsReportedAtTheParameter()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task sendEmail(string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, string cultures) { }
            context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(1,116): error WCP0104: Parameter 'cultures' of 'sendEmail' is declared as string, but SendEmail passes 'cultures' (IReadOnlyList<string> or string[]) at position 4: {Signature}.");
        tenant.HasEmailSender.Should().BeFalse();
    }

    [Fact]
    public void ABuildEmailOfTheWrongShapeIsReportedAtTheParameter()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void sendEmail(string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, string[] cultures,
                Func<string, EmailContent> buildEmail) { }
            context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(2,32): error WCP0104: Parameter 'buildEmail' of 'sendEmail' is declared as Func<string, EmailContent>, but SendEmail passes 'buildEmail' (Func<string, Task<EmailContent>>) at position 5: {Signature}.");
    }

    [Fact]
    public void TooManyParametersAreReported()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void sendEmail(string a, string b, IReadOnlyDictionary<string, JsonElement> c, string[] d, Func<string, Task<EmailContent>> e, string extra) { }
            context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(1,135): error WCP0104: 'sendEmail' declares 6 parameters, but SendEmail passes at most 5: {Signature}.");
    }

    [Fact]
    public void AValueThatIsNotAFunctionIsReportedAtTheMember()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            context.register("runtime.scriptable.emailEngine", new
            {
                SendEmail = "https://mail.example",
            });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(3,5): error WCP0102: Member 'SendEmail' registered under 'runtime.scriptable.emailEngine' is string, not a function.");
    }

    [Fact]
    public void AMisspelledMemberIsReportedWithASuggestion()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            context.register("runtime.scriptable.emailEngine", new { SendMail = (string recipient) => { } });
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(1,58): error WCP0103: 'SendMail' is not a member of 'runtime.scriptable.emailEngine'. Did you mean 'SendEmail'? Members: SendEmail.");
    }

    [Fact]
    public void ASecondSenderInTheSameTenantIsAnError()
    {
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("first.csx", "context.register(\"runtime.scriptable.emailEngine\", new { SendEmail = (string recipient) => { } });");
        harness.Folder.WriteScript("second.csx", "context.register(\"runtime.scriptable.emailEngine\", new { SendEmail = (string recipient) => { } });");
        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/script/second.csx: error WCP0110: An email sender (runtime.scriptable.emailEngine) is already registered by server/script/first.csx; a tenant sends its emails through one sender.");
    }

    [Fact]
    public void TheDocumentedSignatureBindsWithoutDiagnostics()
    {
        // Negative control for the cases above: the same file with the documented parameter types loads clean.
        using var harness = new EngineHarness();
        using var tenant = harness.Load(EmailSenderTests.LoggingSender);

        tenant.Diagnostics.Should().BeEmpty();
        tenant.HasEmailSender.Should().BeTrue();
    }
}
