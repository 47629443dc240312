using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>A real partner API on loopback (Kestrel): records every request and answers as told.</summary>
internal sealed class PartnerStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private PartnerStub(WebApplication app) => _app = app;

    /// <summary>Gets the stub's base address, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseAddress { get; private set; } = "";

    /// <summary>Gets the requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Gets or sets whether requests are kept for <see cref="Requests"/>; a soak turns it off, its requests would fill the heap it measures.</summary>
    public bool Records { get; set; } = true;

    /// <summary>Gets or sets how the stub answers after recording; the default answers 200 with <c>{}</c>.</summary>
    public Func<HttpContext, Task> Handler { get; set; } = Respond(200, "{}");

    /// <summary>Returns a handler answering a fixed status and body.</summary>
    public static Func<HttpContext, Task> Respond(int status, string body, string contentType = "application/json") =>
        async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        };

    public static async Task<PartnerStub> StartAsync()
    {
        // Not watching the test folder for configuration files (the host's ConfigurationFiles.NoFolderWatch): each watch
        // takes one of the user's inotify instances, which the hot reload tests need.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new PartnerStub(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (stub.Records)
            {
                stub._requests.Enqueue(new RecordedRequest(
                    context.Request.Method,
                    context.Request.Path.Value ?? "",
                    context.Request.QueryString.Value ?? "",
                    headers,
                    context.Request.ContentType,
                    body));
            }

            await stub.Handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.BaseAddress = address.TrimEnd('/');
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
