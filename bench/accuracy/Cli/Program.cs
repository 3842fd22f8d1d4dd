using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.IO.Ports;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using AssetMeter.Bench.Calibration;
using AssetMeter.Bench.Emulated;
using AssetMeter.Bench.MeterUnderTest;
using AssetMeter.Bench.Modbus;
using AssetMeter.Bench.Plan;
using AssetMeter.Bench.Pulse;
using AssetMeter.Bench.Reference;
using AssetMeter.Bench.Report;
using AssetMeter.Bench.Run;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Registry;
using AssetMeter.Firmware.Configuration;
using AssetMeter.Hardware.Emulation;
using AssetMeter.Hardware.Metering;
using Spectre.Console;

namespace AssetMeter.Bench.Cli
{
    public static class Program
    {
        private static readonly Option<FileInfo?> PlanOption = new("--plan") { Description = "Test plan (JSON, see docs/bench-testing.md); default: the built-in plan" };
        private static readonly Option<DirectoryInfo> OutOption = new("--out") { Description = "Where the report, plots and calibration records go", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "bench")) };
        private static readonly Option<bool> CalibrateOption = new("--calibrate") { Description = "Fit gain, phase and offset from the first run, send the calibration, run the plan again" };
        private static readonly Option<bool> Class1Option = new("--class1") { Description = "Also judge the points against IEC 62053-21 class 1" };

        public static Task<int> Main(string[] args)
        {
            var root = new RootCommand("assetmeter-bench: accuracy testing of CoP11 Type 5 asset meters against a reference meter, and calibration");
            root.Subcommands.Add(PlanCommand());
            root.Subcommands.Add(EmulateCommand());
            root.Subcommands.Add(RunCommand());
            return root.Parse(args).InvokeAsync();
        }

        private static Command PlanCommand()
        {
            var output = new Option<FileInfo?>("--out") { Description = "Write the default plan here (default: print it)" };
            var command = new Command("plan", "Write the default test plan (SI 1998/1566 Table 2 + IEC 62053-21 class 1 points, Type 5 limits) to edit") { output };
            command.SetAction(parse =>
            {
                TestPlan plan = DefaultPlan.Create();
                if (parse.GetValue(output) is FileInfo file)
                {
                    PlanFile.Save(plan, file.FullName);
                    Console.WriteLine($"wrote {file.FullName}");
                }
                else
                {
                    Console.WriteLine(PlanFile.ToJson(plan));
                }

                return 0;
            });
            return command;
        }

        private static Command EmulateCommand()
        {
            var gain = new Option<double>("--gain-error") { Description = "Meter under test's gain error (0.03: 3 % fast)", DefaultValueFactory = _ => 0.03 };
            var phase = new Option<double>("--phase-error") { Description = "Its current channel's extra lag, degrees", DefaultValueFactory = _ => 0.0 };
            var offset = new Option<double>("--offset-watts") { Description = "Its power offset, watts", DefaultValueFactory = _ => 0.0 };
            var creep = new Option<double>("--creep-watts") { Description = "What it reads at no load (crosstalk), watts (above the IC's no-load threshold it creeps)", DefaultValueFactory = _ => 0.0 };
            var ic = new Option<string>("--ic") { Description = "ade7953 (single phase) or atm90e32 (three phase, balanced load)", DefaultValueFactory = _ => "ade7953" };
            var meter = new Option<string>("--meter") { Description = "How the meter is read: mqtt (signed records), ic (its IC directly) or pulses (test output)", DefaultValueFactory = _ => "mqtt" };
            var link = new Option<string>("--reference-link") { Description = "How the reference is read: rtu (socat pseudo-terminal), tcp or pulses", DefaultValueFactory = _ => "rtu" };
            var model = new Option<string>("--reference-model") { Description = "Emulated reference: SDM630, SDM120, SDM220, SDM230, EM24", DefaultValueFactory = _ => "SDM630" };
            var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second (0: as fast as possible)", DefaultValueFactory = _ => 0 };
            var noCalibrate = new Option<bool>("--no-calibrate") { Description = "Only run the plan once" };
            var command = new Command("emulate", "The whole bench on this machine: emulated meter, reference (Modbus RTU on a pty pair), source; runs the plan, calibrates, runs it again, writes the report")
            {
                PlanOption, OutOption, gain, phase, offset, creep, ic, meter, link, model, speed, noCalibrate, Class1Option,
            };
            command.SetAction(async (parse, cancel) =>
            {
                string outDir = parse.GetValue(OutOption)!.FullName;
                var options = new EmulatedBenchOptions
                {
                    Ic = parse.GetValue(ic)!.StartsWith("atm", StringComparison.OrdinalIgnoreCase) ? IcKind.Atm90e32 : IcKind.Ade7953,
                    MeterError = new MetrologyErrorModel { GainError = parse.GetValue(gain), PhaseErrorDegrees = parse.GetValue(phase), OffsetWatts = parse.GetValue(offset), NoLoadWatts = parse.GetValue(creep) },
                    Dut = Enum.Parse<DutChannel>(parse.GetValue(meter)!, true),
                    Link = Enum.Parse<ReferenceLink>(parse.GetValue(link)!, true),
                    Model = ReferenceModel.ByName(parse.GetValue(model)!),
                    Speed = parse.GetValue(speed),
                    WorkDirectory = Path.Combine(outDir, "work"),
                };
                TestPlan plan = LoadPlan(parse, options.Ratings);
                await using EmulatedBench bench = await EmulatedBench.StartAsync(options, cancel);
                AnsiConsole.MarkupLine($"Emulated bench: meter [bold]{Markup.Escape(bench.Meter.Channel)}[/], reference [bold]{Markup.Escape(bench.Reference.Identity.Connection)}[/]");
                return await SessionAsync(plan, bench.Reference, bench.Meter, bench.Source, bench.Clock, !parse.GetValue(noCalibrate), null, outDir, true, cancel);
            });
            return command;
        }

        private static Command RunCommand()
        {
            var model = new Option<string>("--reference") { Description = "Reference model: SDM630, SDM120, SDM220, SDM230, EM24", DefaultValueFactory = _ => "SDM630" };
            var rtu = new Option<string?>("--rtu") { Description = "Serial port of the RS-485 adapter (Modbus RTU), e.g. /dev/ttyUSB0" };
            var baud = new Option<int?>("--baud") { Description = "Baud rate (default: the model's)" };
            var parity = new Option<Parity>("--parity") { Description = "None, Even or Odd", DefaultValueFactory = _ => Parity.None };
            var tcp = new Option<string?>("--tcp") { Description = "Modbus TCP host[:port] (a gateway or a TCP meter)" };
            var unit = new Option<byte>("--unit") { Description = "Modbus address of the reference", DefaultValueFactory = _ => 1 };
            var pulses = new Option<string?>("--reference-pulses") { Description = "Count the reference's pulse output on GPIO chip:line (e.g. 0:17) instead of reading its register" };
            var constant = new Option<double?>("--reference-constant") { Description = "Reference pulse constant, imp/kWh (default: the model's)" };
            var serial = new Option<string?>("--reference-serial") { Description = "Reference serial (read from the meter where the model allows)" };
            var cls = new Option<double>("--reference-class") { Description = "Reference class index, percent", DefaultValueFactory = _ => 0.5 };
            var certificate = new Option<string?>("--reference-certificate") { Description = "Expanded uncertainty (k=2) from its calibration certificate, percent at PF 1[,PF 0.5], e.g. 0.2,0.3" };
            var resolution = new Option<double?>("--reference-resolution") { Description = "Step of its energy register, Wh (default: the model's; see docs)" };
            var broker = new Option<string>("--broker") { Description = "The meter's MQTT broker host[:port]", DefaultValueFactory = _ => "localhost:1883" };
            var meterSerial = new Option<string>("--meter") { Description = "The meter's serial (device_id)", Required = true };
            var meterKey = new Option<string>("--meter-key") { Description = "The meter's public key (130 hex digits, or a file holding them), or hmac:<hex key>", Required = true };
            var key = new Option<FileInfo>("--key") { Description = "A collector key the meter trusts (PEM): signs read and calibrate", Required = true };
            var meterPulses = new Option<string?>("--meter-pulses") { Description = "Count the meter's test output on GPIO chip:line instead of reading its records" };
            var inForce = new Option<FileInfo?>("--calibration-in-force") { Description = "The calibration record the meter runs (hex file the bench saved), needed when its version is above 0" };
            var command = new Command("run", "Run the plan on a real bench: reference over Modbus or pulses, meter over MQTT (or its test output), source set by hand at prompts")
            {
                PlanOption, OutOption, CalibrateOption, Class1Option, model, rtu, baud, parity, tcp, unit, pulses, constant, serial, cls, certificate, resolution,
                broker, meterSerial, meterKey, key, meterPulses, inForce,
            };
            command.SetAction(async (parse, cancel) =>
            {
                ReferenceModel refModel = ReferenceModel.ByName(parse.GetValue(model)!);
                ReferenceAccuracy accuracy = Accuracy(parse.GetValue(cls), parse.GetValue(certificate));
                IReferenceMeter reference;
                if (parse.GetValue(pulses) is string line)
                {
                    (int chip, int pin) = GpioLine(line);
                    double c = parse.GetValue(constant) ?? (refModel.DefaultPulseConstant > 0 ? refModel.DefaultPulseConstant : throw new ArgumentException("give --reference-constant"));
                    reference = new PulseReferenceMeter(new GpioPulseSource(chip, pin), c, refModel.Name, parse.GetValue(serial) ?? "unknown", accuracy);
                }
                else
                {
                    IModbusTransport transport = parse.GetValue(rtu) is string port
                        ? new ModbusRtuTransport(new SerialSettings { Port = port, BaudRate = parse.GetValue(baud) ?? refModel.DefaultBaudRate, Parity = parse.GetValue(parity) })
                        : parse.GetValue(tcp) is string hostPort ? Tcp(hostPort) : throw new ArgumentException("give --rtu, --tcp or --reference-pulses for the reference");
                    reference = new ModbusReferenceMeter(refModel, transport, parse.GetValue(unit), accuracy, parse.GetValue(serial), parse.GetValue(resolution));
                }

                using (reference)
                {
                    (string host, int brokerPort) = HostPort(parse.GetValue(broker)!, 1883);
                    using CollectorKey collectorKey = CollectorKey.Load(parse.GetValue(key)!.FullName);
                    string meterId = parse.GetValue(meterSerial)!;
                    var options = new MqttMeterOptions { Host = host, Port = brokerPort, Registration = Registration(meterId, parse.GetValue(meterKey)!), Key = collectorKey };
                    await using MqttMeterUnderTest mqtt = await MqttMeterUnderTest.ConnectAsync(options, cancel);
                    IMeterUnderTest meter = mqtt;
                    TestPlan plan = LoadPlan(parse, null);
                    if (parse.GetValue(meterPulses) is string meterLine)
                    {
                        (int chip, int pin) = GpioLine(meterLine);
                        meter = new PulseMeterUnderTest(new GpioPulseSource(chip, pin), plan.Meter.MeterConstant, await mqtt.IdentifyAsync(cancel));
                    }

                    CalibrationRecord? record = parse.GetValue(inForce) is FileInfo f ? CalibrationAssistant.FromHex(File.ReadAllText(f.FullName)) : null;
                    var source = new ManualLoadSource(text =>
                    {
                        AnsiConsole.MarkupLine("[bold yellow]" + Markup.Escape(text) + "[/]");
                        Console.ReadLine();
                        return Task.CompletedTask;
                    });
                    return await SessionAsync(plan, reference, meter, source, new SystemBenchClock(), parse.GetValue(CalibrateOption), record, parse.GetValue(OutOption)!.FullName, false, cancel);
                }
            });
            return command;
        }

        private static async Task<int> SessionAsync(TestPlan plan, IReferenceMeter reference, IMeterUnderTest meter, ILoadSource source, IBenchClock clock, bool calibrate,
            CalibrationRecord? inForce, string outDir, bool simulated, CancellationToken cancel)
        {
            SessionResult? session = null;
            bool interactive = source is ManualLoadSource;
            if (interactive)
            {
                session = await BenchSession.RunAsync(plan, reference, meter, source, clock, new ConsoleLines(), calibrate, inForce, cancel);
            }
            else
            {
                await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                    .StartAsync(async context => session = await BenchSession.RunAsync(plan, reference, meter, source, clock, new SpectreProgress(context), calibrate, inForce, cancel));
            }

            Directory.CreateDirectory(outDir);
            PlanFile.Save(plan, Path.Combine(outDir, "plan.json"));
            if (session!.RecordSent is CalibrationRecord sent)
            {
                File.WriteAllText(Path.Combine(outDir, $"calibration-v{sent.Version}.hex"), CalibrationAssistant.Hex(sent) + Environment.NewLine);
            }

            string version = typeof(BenchRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1.0";
            ReportDocument doc = BenchReport.Build(session.Runs, session.Calibration, simulated, version);
            (string markdown, string html) = BenchReport.Write(outDir, doc, "Accuracy test report " + session.Runs[0].Meter.Serial);
            AnsiConsole.Write(SpectreProgress.Summary(session));
            if (session.Calibration != null)
            {
                AnsiConsole.MarkupLine("Calibration: " + Markup.Escape(session.Calibration.Fit.ToString()));
            }

            AnsiConsole.MarkupLine($"Report: {Markup.Escape(markdown)} and {Markup.Escape(html)}");
            return BenchReport.Overall(session.Runs[^1]) == "PASS" ? 0 : 1;
        }

        private static TestPlan LoadPlan(ParseResult parse, MeterRatings? ratings)
        {
            TestPlan plan = parse.GetValue(PlanOption) is FileInfo file ? PlanFile.Load(file.FullName) : DefaultPlan.Create(ratings);
            if (parse.GetValue(Class1Option))
            {
                plan.JudgeClass1 = true;
            }

            return plan;
        }

        private static ReferenceAccuracy Accuracy(double classPercent, string? certificate)
        {
            if (certificate == null)
            {
                return new ReferenceAccuracy { ClassPercent = classPercent };
            }

            string[] parts = certificate.Split(',');
            double unity = double.Parse(parts[0], CultureInfo.InvariantCulture);
            double half = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : unity;
            return new ReferenceAccuracy { ClassPercent = classPercent, CertificateUncertaintyPercentAtUnity = unity, CertificateUncertaintyPercentAtHalf = half };
        }

        private static MeterRegistration Registration(string serial, string key)
        {
            if (key.StartsWith("hmac:", StringComparison.OrdinalIgnoreCase))
            {
                return new MeterRegistration { Serial = serial, Algorithm = MeterRegistration.Hmac, KeyHex = key.Substring(5), AmsidImport = "?" };
            }

            string hex = File.Exists(key) ? File.ReadAllText(key).Trim() : key.Trim();
            var registration = new MeterRegistration { Serial = serial, Algorithm = MeterRegistration.Ecdsa, KeyHex = hex, AmsidImport = "?" };
            return registration.Problem() is string problem ? throw new ArgumentException("--meter-key: " + problem) : registration;
        }

        private static (int Chip, int Line) GpioLine(string text)
        {
            string[] parts = text.Split(':');
            return parts.Length == 2 ? (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)) : throw new ArgumentException($"GPIO '{text}' is not chip:line");
        }

        private static ModbusTcpTransport Tcp(string text)
        {
            (string host, int port) = HostPort(text, 502);
            return new ModbusTcpTransport(host, port);
        }

        private static (string Host, int Port) HostPort(string text, int defaultPort)
        {
            int colon = text.LastIndexOf(':');
            return colon < 0 ? (text, defaultPort) : (text.Substring(0, colon), int.Parse(text.Substring(colon + 1), CultureInfo.InvariantCulture));
        }

        /// <summary>Progress as plain lines, for the interactive bench (prompts and bars do not mix).</summary>
        private sealed class ConsoleLines : IBenchProgress
        {
            public void RunStarted(string label, int points) => Console.WriteLine($"== {label}: {points} points");

            public void PointStarted(int index, Measurement.PointResult point) => Console.WriteLine($"{point.Point.Id} {point.Point.Name}: {point.DwellSeconds:0} s with the load on ({point.DwellReason})");

            public void PointProgress(int index, double fraction, string activity)
            {
            }

            public void PointFinished(int index, Measurement.PointResult point)
                => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{point.Point.Id}: {point.Outcome} {(point.ErrorPercent is double e ? e.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) + " %" : point.Failure)}"));
        }
    }
}
