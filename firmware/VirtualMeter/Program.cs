using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Firmware.Host;
using AssetMeter.Metrology.Arithmetic;
using AssetMeter.VirtualMeter.Run;
using AssetMeter.VirtualMeter.Simulation;

namespace AssetMeter.VirtualMeter
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            var root = new RootCommand("CoP11 Type 5 asset meter, run on Linux (virtual meter)");
            root.Subcommands.Add(RunCommand());
            root.Subcommands.Add(SimulateCommand());
            root.Subcommands.Add(ConfigCommand());
            return root.Parse(args).Invoke();
        }

        private static Command RunCommand()
        {
            var config = new Option<FileInfo>("--config") { Description = "The meter configuration (sealed with 'config seal')", Required = true };
            var journal = new Option<DirectoryInfo>("--journal") { Description = "Directory holding the journal (the meter's flash)", Required = true };
            var speed = new Option<double>("--speed") { Description = "Simulated seconds per second: 1 is real time, 0 as fast as possible", DefaultValueFactory = _ => 1 };
            var duration = new Option<double?>("--hours") { Description = "Run this many (simulated) hours, then stop; default: until Ctrl+C" };
            var scenario = new Option<string>("--scenario") { Description = "Emulated load: " + string.Join(", ", Scenarios.Names), DefaultValueFactory = _ => "charger" };
            var bus = new Option<string>("--bus") { Description = "emulated, i2c:N (ADE7953 on /dev/i2c-N) or spi:B.C (ATM90E32AS on /dev/spidevB.C)", DefaultValueFactory = _ => "emulated" };
            var ntp = new Option<bool>("--ntp") { Description = "Keep time from the configured SNTP servers (real time); otherwise a simulated time source" };
            var noMqtt = new Option<bool>("--no-mqtt") { Description = "Do not connect to the broker (the journal keeps everything)" };
            var start = new Option<string?>("--start") { Description = "UTC start of an accelerated run, yyyy-MM-ddTHH:mm:ssZ" };
            var quiet = new Option<bool>("--quiet") { Description = "Do not print each period and event" };
            var rtc = new Option<string>("--rtc") { Description = "Battery-backed RTC: none, emulated (a DS3231 emulator kept in the journal directory) or ds3231:/dev/i2c-N[:0x68]", DefaultValueFactory = _ => "none" };
            var offline = new Option<double>("--offline-hours") { Description = "No time source for this many hours from the start (a network outage after a power cut)" };
            var command = new Command("run", "Run the virtual meter: emulated (or Linux-attached) IC, journal, clock, MQTT");
            foreach (var option in new Option[] { config, journal, speed, duration, scenario, bus, ntp, noMqtt, start, quiet, rtc, offline })
            {
                command.Options.Add(option);
            }

            command.SetAction(parse =>
            {
                var file = parse.GetValue(config)!;
                if (!file.Exists)
                {
                    Console.Error.WriteLine($"configuration {file.FullName} not found: the meter does not run without one (see docs/firmware.md)");
                    return 2;
                }

                var bytes = File.ReadAllBytes(file.FullName);
                var meterConfig = ConfigurationReader.Read(bytes, bytes.Length, out string error);
                if (meterConfig == null)
                {
                    Console.Error.WriteLine($"configuration {file.FullName}: {error}");
                    return 2;
                }

                DateTime? startUtc = null;
                string? startText = parse.GetValue(start);
                if (startText != null)
                {
                    if (!DateTime.TryParseExact(startText, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        Console.Error.WriteLine("--start must be yyyy-MM-ddTHH:mm:ssZ");
                        return 2;
                    }

                    startUtc = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
                }

                double? hours = parse.GetValue(duration);
                var options = new RunOptions
                {
                    ConfigurationDirectory = file.DirectoryName ?? ".",
                    JournalDirectory = parse.GetValue(journal)!.FullName,
                    Speed = parse.GetValue(speed),
                    Duration = hours.HasValue ? TimeSpan.FromHours(hours.Value) : null,
                    Scenario = parse.GetValue(scenario)!,
                    Bus = parse.GetValue(bus)!,
                    UseNtp = parse.GetValue(ntp),
                    UseMqtt = !parse.GetValue(noMqtt),
                    StartUtc = startUtc,
                    Verbose = !parse.GetValue(quiet),
                    Rtc = parse.GetValue(rtc)!,
                    OfflineHours = parse.GetValue(offline),
                };
                if (options.Rtc != "none" && options.Rtc != "emulated" && !Ds3231Clock.TryParse(options.Rtc, out _, out _))
                {
                    Console.Error.WriteLine("--rtc must be none, emulated or ds3231:/dev/i2c-N[:0xAA]");
                    return 2;
                }

                using var cancel = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) =>
                {
                    e.Cancel = true;
                    cancel.Cancel();
                };
                return new VirtualMeterHost(meterConfig, options, Console.Out).RunAsync(cancel.Token).GetAwaiter().GetResult();
            });
            return command;
        }

        private static Command SimulateCommand()
        {
            var date = new Option<string>("--date")
            {
                Description = "UTC day to simulate, yyyy-MM-dd",
                DefaultValueFactory = _ => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            var output = new Option<string>("--out")
            {
                Description = "Directory for periods.csv and summary.json",
                DefaultValueFactory = _ => "out/simulation",
            };
            var seed = new Option<int>("--seed") { Description = "Seed of the synthetic load", DefaultValueFactory = _ => 1 };

            var simulate = new Command("simulate", "Feed the metrology core a synthetic load over one simulated UTC day (accelerated clock) and print its 48 periods");
            simulate.Options.Add(date);
            simulate.Options.Add(output);
            simulate.Options.Add(seed);
            simulate.SetAction(parse =>
            {
                if (!DateTime.TryParseExact(parse.GetValue(date), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
                {
                    Console.Error.WriteLine("--date must be a UTC day written yyyy-MM-dd");
                    return 2;
                }

                var options = new SimulationOptions { UtcDate = DateTime.SpecifyKind(day.Date, DateTimeKind.Utc), Seed = parse.GetValue(seed) };
                var watch = Stopwatch.StartNew();
                var result = new DaySimulation(options).Run();
                watch.Stop();
                SimulationReport.Print(result, Console.Out, watch.Elapsed);
                string directory = parse.GetValue(output)!;
                SimulationReport.Write(result, directory);
                Console.WriteLine($"  Written: {Path.Combine(directory, "periods.csv")} and summary.json");
                return result.UnaccountedNinths == 0 ? 0 : 1;
            });
            return simulate;
        }

        private static Command ConfigCommand()
        {
            var file = new Argument<FileInfo>("file") { Description = "Configuration text file (meter.conf or wifi.conf)" };
            var seal = new Command("seal", "Append (or replace) the integrity line 'crc32 = ...' of a configuration, then check it reads");
            seal.Arguments.Add(file);
            seal.SetAction(parse =>
            {
                var path = parse.GetValue(file)!.FullName;
                string text = File.ReadAllText(path, Encoding.ASCII).Replace("\r\n", "\n");
                int crcLine = text.IndexOf("\ncrc32", StringComparison.Ordinal);
                if (text.StartsWith("crc32", StringComparison.Ordinal))
                {
                    text = string.Empty;
                }
                else if (crcLine >= 0)
                {
                    text = text[..(crcLine + 1)];
                }

                if (!text.EndsWith('\n'))
                {
                    text += "\n";
                }

                var body = Encoding.ASCII.GetBytes(text);
                string sealedText = text + "crc32 = " + Crc32.Compute(body, 0, body.Length).ToString("x8", CultureInfo.InvariantCulture) + "\n";
                var bytes = Encoding.ASCII.GetBytes(sealedText);
                if (!IsValid(bytes, out string error))
                {
                    Console.Error.WriteLine($"{path}: {error}");
                    return 2;
                }

                File.WriteAllText(path, sealedText, Encoding.ASCII);
                Console.WriteLine($"{path}: sealed and valid");
                return 0;
            });

            var check = new Command("check", "Read a configuration as the meter would and say what is wrong, if anything");
            check.Arguments.Add(file);
            check.SetAction(parse =>
            {
                var path = parse.GetValue(file)!.FullName;
                var bytes = File.ReadAllBytes(path);
                if (!IsValid(bytes, out string error))
                {
                    Console.Error.WriteLine($"{path}: {error}");
                    return 2;
                }

                Console.WriteLine($"{path}: valid");
                return 0;
            });

            var config = new Command("config", "Meter configuration files (meter.conf) and the ESP32's Wi-Fi credentials (wifi.conf)");
            config.Subcommands.Add(seal);
            config.Subcommands.Add(check);
            return config;
        }

        // Both files share the sealed key = value format; a file that sets 'ssid' is the Wi-Fi credentials.
        private static bool IsValid(byte[] bytes, out string error)
        {
            bool wifi = Encoding.ASCII.GetString(bytes).Split('\n').Any(line => line.TrimStart().StartsWith("ssid", StringComparison.Ordinal));
            return wifi
                ? WifiConfigurationReader.Read(bytes, bytes.Length, out error) != null
                : ConfigurationReader.Read(bytes, bytes.Length, out error) != null;
        }
    }
}
