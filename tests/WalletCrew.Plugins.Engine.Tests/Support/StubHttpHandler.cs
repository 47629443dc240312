using System.Net;
using System.Text;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>Answers every outbound request in process with a fixed JSON body, so a connector's calls never leave the test.</summary>
internal sealed class StubHttpHandler(string json) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
}
