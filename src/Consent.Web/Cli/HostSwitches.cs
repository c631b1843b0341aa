namespace Consent.Web.Cli;

/// <summary>
/// The switches the web host reads itself (<c>--contentRoot DIR</c>, <c>--environment NAME</c>, <c>--urls URLS</c>,
/// <c>--applicationName NAME</c>, each also as <c>--name=value</c>): the scripts pass <c>--contentRoot</c> to every verb, as they do
/// to the service, so a verb checks only what is left once they are taken out.
/// </summary>
public static class HostSwitches
{
    private static readonly string[] Names = ["contentRoot", "environment", "urls", "applicationName"];

    /// <summary>The arguments without the host's switches and their values, in their order.</summary>
    public static string[] Strip(IReadOnlyList<string> args)
    {
        var kept = new List<string>(args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            if (Match(args[i]) is { } form)
            {
                // "--contentRoot DIR" takes the next argument as its value; "--contentRoot=DIR" carries it.
                if (form == Form.Separate && i + 1 < args.Count)
                {
                    i++;
                }

                continue;
            }

            kept.Add(args[i]);
        }

        return [.. kept];
    }

    private enum Form
    {
        Separate,
        Joined,
    }

    private static Form? Match(string arg)
    {
        foreach (var name in Names)
        {
            var key = "--" + name;
            if (string.Equals(arg, key, StringComparison.OrdinalIgnoreCase))
            {
                return Form.Separate;
            }

            if (arg.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase))
            {
                return Form.Joined;
            }
        }

        return null;
    }
}
