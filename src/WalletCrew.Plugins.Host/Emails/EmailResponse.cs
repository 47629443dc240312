namespace WalletCrew.Plugins.Host.Emails;

/// <summary>The 202 body: the email's id (the one the sender receives on every attempt) and whether this call stored it.</summary>
internal sealed record EmailResponse(string EmailId, bool Created);
