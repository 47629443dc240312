namespace WcpPlugin1;

// WcpPlugin1: a plugin assembly. Build it with `dotnet build -c Release`, copy bin/Release/net10.0/* into
// <tenant>/server/plugins/WcpPlugin1/, then check it with `wcp check <tenant>` and try it with
// `wcp invoke <tenant> installed --pass-id P1 --pass-type loyalty --device apple`.

/// <summary>Registers this plugin's connectors; the platform creates it and calls Register once per loaded version.</summary>
public sealed class WcpPlugin1Module : IConnectorModule
{
    /// <inheritdoc />
    public void Register(IConnectorContext context)
    {
        context.Register(RegistrationKeys.PassUpdater, new InstallationLogger(context));
    }
}
