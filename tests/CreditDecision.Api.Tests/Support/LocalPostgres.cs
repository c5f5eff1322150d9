using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A PostgreSQL server of the test run's own, for a machine with Debian's <c>postgresql</c> installed and no server
/// named in <see cref="TestStores.PostgresVariable"/>: a free loopback port and a data folder of its own under the
/// temporary folder (as <c>scripts/test-postgres.sh</c> makes, but touching no other server), stopped and removed
/// once the test process has exited. Not used in CI, which names its server.
/// </summary>
public static class LocalPostgres
{
    private const string Prefix = "creditdecision-test-postgres-";

    private static readonly Lazy<string?> Server = new(Start);

    /// <summary>Why no local server runs, when none does.</summary>
    public static string? Problem { get; private set; }

    public static string? ConnectionString => Server.Value;

    private static string? Start()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true") return null;
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin"))
                .Where(folder => File.Exists(Path.Combine(folder, "initdb")))
                .OrderBy(folder => int.TryParse(Path.GetFileName(Path.GetDirectoryName(folder)), out var major) ? major : 0)
                .LastOrDefault()
            : null;
        if (bin is null) return null;

        var data = Directory.CreateTempSubdirectory(Prefix).FullName;
        var port = FreePort();
        try
        {
            // PostgreSQL refuses to run as root: its programs then run as the postgres user, who owns the folder.
            if (Environment.UserName == "root") Run("chown", "postgres:postgres", data);
            RunServerProgram(bin, "initdb", "-D", data, "-A", "trust", "-U", "creditdecision", "--no-sync", "-E", "UTF8");
            RunServerProgram(bin, "pg_ctl", "-D", data, "-l", Path.Combine(data, "server.log"), "-w",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c max_connections=300", "start");
        }
        catch (InvalidOperationException ex)
        {
            Problem = ex.Message;
            Directory.Delete(data, recursive: true);
            return null;
        }
        StopWhenThisProcessExits(bin, data);
        return $"Host=127.0.0.1;Port={port};Username=creditdecision;Database=postgres";
    }

    /// <summary>
    /// A watcher outside this process stops the server and removes its folder once this process has gone, however
    /// it ends: the test host may be killed before exit handlers finish.
    /// </summary>
    private static void StopWhenThisProcessExits(string bin, string data)
    {
        var asServer = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
            $"{asServer}'{Path.Combine(bin, "pg_ctl")}' -D '{data}' -m fast -w stop >/dev/null 2>&1; rm -rf '{data}'";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        foreach (var argument in new[] { "sh", "-c", script }) start.ArgumentList.Add(argument);
        Process.Start(start)!.Dispose();
    }

    private static void RunServerProgram(string bin, string program, params string[] arguments)
    {
        if (Environment.UserName == "root") Run("runuser", ["-u", "postgres", "--", Path.Combine(bin, program), .. arguments]);
        else Run(Path.Combine(bin, program), arguments);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments.Take(3))} failed: {errors.Result}{output.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
