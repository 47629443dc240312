namespace WalletCrew.Plugins;

/// <summary>Sends the tenant's emails through its own provider (a partner API reached with <c>fetch</c>).</summary>
/// <remarks>
/// Registered under <see cref="RegistrationKeys.EmailEngine"/>, once per tenant. The platform renders the content from the
/// tenant's templates when you call <see cref="EmailRequest.BuildEmailAsync"/>; you deliver it. Throw to fail the send.
/// </remarks>
public interface IEmailSender
{
    /// <summary>Sends one email.</summary>
    /// <param name="request">The recipient, the template, its data and the preferred cultures.</param>
    /// <param name="cancellationToken">Cancelled when the invocation's wall-time limit is reached or the caller leaves.</param>
    /// <returns>A task that completes when the provider has accepted the email.</returns>
    Task SendEmailAsync(EmailRequest request, CancellationToken cancellationToken);
}
