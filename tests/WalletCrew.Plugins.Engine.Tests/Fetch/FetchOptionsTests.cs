using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

public sealed class FetchOptionsTests
{
    private const string OptionList = " The fetch options are Method, Headers, Body, ThrowOnError, Timeout. (Parameter 'options')";

    [Fact]
    public void UnknownOptionsAreAllReportedWithSuggestions()
    {
        var act = () => FetchOptionsReader.Read(new { Metod = "POST", throwOnError = false, Retries = 3 });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(
            "Unknown fetch option `Metod`; did you mean `Method`? Unknown fetch option `throwOnError`; did you mean `ThrowOnError`? "
            + "Unknown fetch option `Retries`." + OptionList);
    }

    [Fact]
    public void OptionOfTheWrongTypeIsNamed()
    {
        var act = () => FetchOptionsReader.Read(new { ThrowOnError = "no", Timeout = "5s" });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(
            "Fetch option `ThrowOnError` must be a bool, not a string. "
            + "Fetch option `Timeout` must be a TimeSpan or a number of milliseconds, not a string." + OptionList);
    }

    [Fact]
    public void HeadersThatCannotBeSentAreNamed()
    {
        var act = () => FetchOptionsReader.Read(new FetchOptions
        {
            Headers = new Dictionary<string, string> { ["Host"] = "other.example", ["X-Bad"] = "a\r\nInjected: 1", ["Bad Name"] = "x" },
        });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(
            "Header `Host` is set by the platform and cannot be given. Header `X-Bad` must not contain line breaks. "
            + "Header `Bad Name` is not a valid header name." + OptionList);
    }

    [Fact]
    public void NonObjectOptionsAreRejected() =>
        new Action(() => FetchOptionsReader.Read("POST")).Should().Throw<ArgumentException>().Which.Message.Should().Be(
            "Fetch options must be a FetchOptions or an object with PascalCase properties, not a string." + OptionList);

    [Fact]
    public void AnonymousOptionsAreReadLikeTypedOnes()
    {
        var read = FetchOptionsReader.Read(new { Method = "delete", Headers = new { Authorization = "Bearer t" }, ThrowOnError = false, Timeout = 1500 });

        read.Method.Should().Be("DELETE");
        read.Headers.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("Authorization", "Bearer t"));
        read.ThrowOnError.Should().BeFalse();
        read.Timeout.Should().Be(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void EmptyOptionsAreAGetThatThrowsOnErrorWithoutTimeout() =>
        FetchOptionsReader.Read(new { }).Should().BeEquivalentTo(new { Method = "GET", Headers = Array.Empty<object>(), Body = (object?)null, ThrowOnError = true, Timeout = (TimeSpan?)null });

    [Fact]
    public void TimeoutMustBePositive() =>
        new Action(() => FetchOptionsReader.Read(new { Timeout = TimeSpan.Zero })).Should().Throw<ArgumentException>()
            .Which.Message.Should().StartWith("Fetch option `Timeout` must be positive, not 0 ms.");

    [Theory]
    [InlineData("ftp://127.0.0.1/file", "Cannot fetch `ftp://127.0.0.1/file`: only http and https are allowed, not ftp. (Parameter 'url')")]
    [InlineData("/relative", "Cannot fetch `/relative`: it is not an absolute URL. (Parameter 'url')")]
    [InlineData("partner.example/api", "Cannot fetch `partner.example/api`: it is not an absolute URL. (Parameter 'url')")]
    [InlineData("http://user:pass@127.0.0.1/", "Cannot fetch `http://user:pass@127.0.0.1/`: credentials in the URL (user:password@) are not allowed; send them in a header. (Parameter 'url')")]
    public async Task UrlsOutsideHttpAndWithCredentialsAreRefused(string url, string message)
    {
        using var client = new FetchClient(new FetchClientOptions { AllowLoopback = true });

        var act = () => client.FetchAsync(url, null, CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Be(message);
    }

    [Fact]
    public void ClientOptionsOutOfRangeAreAllReported() =>
        new Action(() => new FetchClient(new FetchClientOptions { MaxRequestBodyBytes = 0, MaxResponseBodyBytes = -1 }))
            .Should().Throw<ArgumentException>().Which.Message.Should().Be(
                "Invalid fetch client options: `MaxRequestBodyBytes` must be between 1 and 1073741823, not 0. "
                + "`MaxResponseBodyBytes` must be between 1 and 1073741823, not -1. (Parameter 'options')");

    [Fact]
    public void DefaultsArePinned()
    {
        FetchDefaults.MaxRequestBodyBytes.Should().Be(256 * 1024);
        FetchDefaults.MaxResponseBodyBytes.Should().Be(1024 * 1024);
        FetchDefaults.MaxRedirects.Should().Be(3);
        var options = new FetchClientOptions();
        options.MaxRequestBodyBytes.Should().Be(FetchDefaults.MaxRequestBodyBytes);
        options.MaxResponseBodyBytes.Should().Be(FetchDefaults.MaxResponseBodyBytes);
        options.AllowLoopback.Should().BeFalse();
        options.Egress.Should().BeSameAs(EgressPolicy.PublicOnly);
    }
}
