using netDumbster.smtp;

namespace Approvals.Tests.Infrastructure;

public static class SmtpInbox
{
    /// <summary>
    /// The mails the test SMTP server has received so far. netDumbster copies its list of mails while its own thread
    /// may be adding one, and the copy then fails (IndexOutOfRangeException, seen once in a CI run); read again then.
    /// </summary>
    public static SmtpMessage[] Mails(this SimpleSmtpServer smtp)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return smtp.ReceivedEmail;
            }
            catch (Exception e) when (attempt < 20 && e is IndexOutOfRangeException or ArgumentException or InvalidOperationException)
            {
                Thread.Sleep(5);
            }
        }
    }
}
