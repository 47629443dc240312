using System.Reflection;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Fetch;

namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>
/// A seed JavaScript connector run in Jint, as a .NET platform embedding a JavaScript engine would: the module is
/// evaluated once, <c>context.register</c> keeps the hooks, and the host's <c>fetch</c>, <c>getSecret</c> and
/// <c>console.log</c> call the same <see cref="FetchClient"/>, secret source and a plain log list as the other rows.
/// </summary>
/// <remarks>
/// The host functions are synchronous: the in-memory handler and secret source complete at once, so nothing blocks,
/// and Jint's promise for the async hook settles inside <c>UnwrapIfPromise</c>.
/// </remarks>
internal sealed class JintConnector
{
    private readonly Jint.Engine _engine;
    private readonly FetchClient _fetch;
    private readonly ISecretSource _secrets;
    private readonly string _tenantId;
    private JsValue _onPassInstalled = JsValue.Undefined;

    public JintConnector(string resourceName, string tenantId, FetchClient fetch, ISecretSource secrets)
    {
        _fetch = fetch;
        _secrets = secrets;
        _tenantId = tenantId;
        _engine = new Jint.Engine(options => options.Strict());

        _engine.Modules.Add("neo/secrets", builder => builder.ExportFunction("getSecret", args => GetSecret(args[0].AsString())));
        _engine.SetValue("fetch", new Func<JsValue, JsValue, JsValue>(Fetch));
        var console = new JsObject(_engine);
        console.Set("log", JsValue.FromObject(_engine, new Action<JsValue>(value => Log.Add(value.ToString()))));
        _engine.SetValue("console", console);

        _engine.Modules.Add("connector", ReadResource(resourceName));
        var module = _engine.Modules.Import("connector");
        var context = new JsObject(_engine);
        context.Set("register", JsValue.FromObject(_engine, new Action<string, JsValue>(Register)));
        _engine.Invoke(module.Get("default"), context);
        if (_onPassInstalled.IsUndefined())
        {
            throw new InvalidOperationException($"{resourceName} registered no OnPassInstalled hook.");
        }
    }

    public List<string> Log { get; } = [];

    /// <summary>Calls <c>OnPassInstalled</c> with the event converted to JavaScript values, and waits for its promise.</summary>
    public void OnPassInstalled(PassInstallationEvent e)
    {
        Log.Clear();
        var identifiers = new JsObject(_engine);
        foreach (var (key, value) in e.Identifiers)
        {
            identifiers.Set(key, value);
        }

        var promise = _engine.Invoke(
            _onPassInstalled,
            e.PassId,
            e.PassType,
            identifiers,
            DeviceNames.ToWire(e.Device),
            JsValue.FromObject(_engine, e.AdditionalInformation));
        promise.UnwrapIfPromise();
    }

    private void Register(string key, JsValue implementation)
    {
        if (key == RegistrationKeys.PassUpdater)
        {
            _onPassInstalled = implementation.AsObject().Get("OnPassInstalled");
        }
    }

    private JsValue GetSecret(string name)
    {
        var value = _secrets.GetSecretAsync(_tenantId, name, CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new KeyNotFoundException(name);
        return value;
    }

    private JsValue Fetch(JsValue url, JsValue options)
    {
        var js = options.AsObject();
        var fetchOptions = new FetchOptions
        {
            Method = js.Get("Method").AsString(),
            Headers = ToDictionary(js.Get("Headers").AsObject()).ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            Body = ToDictionary(js.Get("Body").AsObject()),
            ThrowOnError = js.Get("ThrowOnError").AsBoolean(),
        };
        var response = _fetch.FetchAsync(url.AsString(), fetchOptions, CancellationToken.None).GetAwaiter().GetResult();
        return JsValue.FromObject(_engine, response);
    }

    private static Dictionary<string, object?> ToDictionary(ObjectInstance js)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in js.GetOwnPropertyKeys())
        {
            result[key.ToString()] = js.Get(key).ToObject();
        }

        return result;
    }

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} not found.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
