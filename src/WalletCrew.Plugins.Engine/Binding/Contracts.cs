namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>The documented members of each registration point, with their JavaScript-style parameters.</summary>
internal static class Contracts
{
    public static readonly ContractMember OnPassInstalled = new("OnPassInstalled", typeof(PassInstallationEvent), HookParameters());

    public static readonly ContractMember OnPassUninstalled = new("OnPassUninstalled", typeof(PassInstallationEvent), HookParameters());

    public static readonly ContractMember Fill = new("Fill", typeof(FillRequest),
    [
        FillParameter("passId", r => r.PassId),
        FillParameter("passType", r => r.PassType),
        FillParameter("identifiers", r => r.Identifiers),
        FillParameter("data", r => r.Data),
    ]);

    public static readonly ContractMember SendEmail = new("SendEmail", typeof(EmailRequest),
    [
        EmailParameter("recipient", r => r.Recipient),
        EmailParameter("emailTemplate", r => r.EmailTemplate),
        EmailParameter("data", r => r.Data),
        EmailParameter("cultures", r => r.Cultures, new Dictionary<Type, Func<object, object?>>
        {
            [typeof(string[])] = input => ((EmailRequest)input).Cultures.ToArray(),
        }),
        EmailParameter("buildEmail", r => r.BuildEmail),
    ]);

    public static readonly IReadOnlyList<ContractMember> PassUpdaterMembers = [OnPassInstalled, OnPassUninstalled];

    public static readonly IReadOnlyList<ContractMember> CustomerProviderMembers = [Fill];

    public static readonly IReadOnlyList<ContractMember> EmailEngineMembers = [SendEmail];

    private static IReadOnlyList<ContractParameter> HookParameters() =>
    [
        HookParameter("passId", e => e.PassId),
        HookParameter("passType", e => e.PassType),
        HookParameter("identifiers", e => e.Identifiers),
        HookParameter("device", e => e.Device, new Dictionary<Type, Func<object, object?>>
        {
            [typeof(string)] = input => DeviceNames.ToWire(((PassInstallationEvent)input).Device),
        }),
        HookParameter("additionalInformation", e => e.AdditionalInformation),
    ];

    private static ContractParameter HookParameter<T>(string name, Func<PassInstallationEvent, T> read, IReadOnlyDictionary<Type, Func<object, object?>>? alternatives = null) =>
        ContractParameter.Of(name, read, alternatives);

    private static ContractParameter FillParameter<T>(string name, Func<FillRequest, T> read) => ContractParameter.Of(name, read);

    private static ContractParameter EmailParameter<T>(string name, Func<EmailRequest, T> read, IReadOnlyDictionary<Type, Func<object, object?>>? alternatives = null) =>
        ContractParameter.Of(name, read, alternatives);
}
