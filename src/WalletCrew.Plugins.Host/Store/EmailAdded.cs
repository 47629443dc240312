namespace WalletCrew.Plugins.Host.Store;

/// <summary>What storing an email request did.</summary>
/// <param name="EmailId">The email's id: the new one, or the one first stored under the same idempotency key.</param>
/// <param name="Created">False when an email with the same idempotency key was stored before (nothing new is sent).</param>
internal sealed record EmailAdded(string EmailId, bool Created);
