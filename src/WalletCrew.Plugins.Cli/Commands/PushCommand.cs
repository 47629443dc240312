using System.CommandLine;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.TenantFiles;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary>
/// <c>wcp push &lt;tenantDir&gt; --host URL --api-key K [--dry-run] [--message M]</c>: uploads a tenant folder (<c>tenant.json</c>
/// and everything under <c>server/</c>) through the tenant files API as one version; the host checks it like <c>wcp check</c>
/// and the diagnostics are printed the same way. Exit 0 when stored (or checked, or unchanged), 1 when refused.
/// </summary>
internal static class PushCommand
{
    public const string ApiKeyVariable = "WCP_API_KEY";

    public static Command Create()
    {
        var tenantDirectory = CommonOptions.TenantDirectory();
        var host = new Option<string>("--host")
        {
            Description = "The host's base address, e.g. https://wcp.example.com.",
            Required = true,
            Validators =
            {
                result =>
                {
                    if (BaseAddress(result.GetValueOrDefault<string>()) is null)
                    {
                        result.AddError($"--host must be an absolute http or https address such as https://wcp.example.com, not '{result.GetValueOrDefault<string>()}'.");
                    }
                },
            },
        };
        var apiKey = new Option<string>("--api-key")
        {
            // No default value: help and usage errors print an option's default, and this one is a secret.
            Description = $"A key with the scope tenant-files:<tenant> (or platform or admin); defaults to ${ApiKeyVariable}.",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check on the host without storing anything." };
        var message = new Option<string?>("--message") { Description = "A note stored with the version, such as the commit it was built from." };

        var command = new Command("push", "Upload a tenant folder to a host through its tenant files API: checked there, stored as one version, live on every host.")
        {
            tenantDirectory,
            host,
            apiKey,
            dryRun,
            message,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(tenantDirectory)!;
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!directory.Exists)
            {
                await error.WriteLineAsync($"wcp push: the tenant folder '{directory}' does not exist.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ApiKeyVariable);
            if (string.IsNullOrEmpty(key))
            {
                await error.WriteLineAsync($"wcp push: no API key; pass --api-key or set {ApiKeyVariable}.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var tenantId = directory.Name;
            var query = $"?dryRun={(parse.GetValue(dryRun) ? "true" : "false")}";
            if (parse.GetValue(message) is { Length: > 0 } note)
            {
                query += "&message=" + Uri.EscapeDataString(note);
            }

            using var http = new HttpClient { BaseAddress = BaseAddress(parse.GetValue(host))!, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            // The host answers a refusal (401, 403, 413) before the body: without waiting for it, a large upload was cut off
            // and reported as "could not be reached" instead of the host's answer.
            http.DefaultRequestHeaders.ExpectContinue = true;
            var files = TenantFolders.FilesIn(directory.FullName, skipped => error.WriteLine($"wcp push: {skipped}"));
            if (files.Count == 0)
            {
                // Pushed, an empty set would be the tenant's next version: every connector gone, and exit 0.
                await error.WriteLineAsync($"wcp push: '{directory}' holds no tenant.json and no file under server/, so it is not a tenant folder; push the folder that holds server/ (its name is the tenant id).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var content = new ByteArrayContent(Zip(directory.FullName, files));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            HttpResponseMessage response;
            try
            {
                response = await http.PutAsync($"api/tenants/{Uri.EscapeDataString(tenantId)}/files{query}", content, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                await error.WriteLineAsync($"wcp push: {parse.GetValue(host)} could not be reached: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var json = TryParse(body);
                WriteDiagnostics(json, directory.ToString(), output);
                return response.StatusCode switch
                {
                    HttpStatusCode.Created or HttpStatusCode.OK => await SucceededAsync(tenantId, json, output).ConfigureAwait(false),
                    HttpStatusCode.UnprocessableEntity => await RefusedAsync(tenantId, json, output).ConfigureAwait(false),
                    _ => await FailedAsync(response.StatusCode, json, body, error).ConfigureAwait(false),
                };
            }
        });
        return command;
    }

    private static Uri? BaseAddress(string? value) =>
        Uri.TryCreate(value?.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    /// <summary>Zips <paramref name="files"/> (relative to <paramref name="tenantDirectory"/>) under their own paths.</summary>
    internal static byte[] Zip(string tenantDirectory, IEnumerable<string> files)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var path in files)
            {
                archive.CreateEntryFromFile(Path.Combine(tenantDirectory, path), path, CompressionLevel.Optimal);
            }
        }

        return buffer.ToArray();
    }

    private static JsonObject? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteDiagnostics(JsonObject? json, string tenantDirectoryAsGiven, TextWriter output)
    {
        foreach (var diagnostic in json?["diagnostics"]?.AsArray() ?? [])
        {
            var text = diagnostic?["text"]?.GetValue<string>() ?? "";
            output.WriteLine(Path.Combine(tenantDirectoryAsGiven, text).Replace('\\', '/'));
        }
    }

    private static async Task<int> SucceededAsync(string tenantId, JsonObject? json, TextWriter output)
    {
        var version = json?["version"]?.GetValue<long>();
        var line = json?["status"]?.GetValue<string>() switch
        {
            "checked" => $"{tenantId}: checked without errors; it would be version {version} (dry run: nothing stored).",
            "unchanged" => $"{tenantId}: unchanged; version {version} is current.",
            _ => $"{tenantId}: version {version} stored and live.",
        };
        await output.WriteLineAsync(line).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> RefusedAsync(string tenantId, JsonObject? json, TextWriter output)
    {
        var diagnostics = json?["diagnostics"]?.AsArray() ?? [];
        var errors = diagnostics.Count(d => d?["severity"]?.GetValue<string>() == "error");
        await output.WriteLineAsync($"{tenantId}: {errors} error(s), {diagnostics.Count - errors} warning(s); refused, nothing changed on the host.").ConfigureAwait(false);
        return ExitCodes.Failure;
    }

    private static async Task<int> FailedAsync(HttpStatusCode status, JsonObject? json, string body, TextWriter error)
    {
        var detail = json?["detail"]?.GetValue<string>() ?? json?["title"]?.GetValue<string>() ?? body;
        await error.WriteLineAsync($"wcp push: the host answered {(int)status} {status}: {detail}").ConfigureAwait(false);
        return ExitCodes.Failure;
    }
}
