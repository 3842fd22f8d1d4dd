using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace AssetMeter.TestServers
{
    /// <summary>
    /// Servers and scratch directories a test run or a benchmark made, removed when the process is interrupted (Ctrl+C,
    /// SIGTERM, SIGHUP) or exits without disposing them: a stray mosquitto or PostgreSQL would keep running and keep its
    /// temporary directory after the process has gone. The servers of this library register themselves.
    /// </summary>
    public static class ExitCleanup
    {
        private static readonly object Gate = new();
        private static readonly List<Action> Pending = new();
        private static readonly List<PosixSignalRegistration> Signals = new();
        private static bool _hooked;

        /// <summary>Registers <paramref name="stop"/>; dispose the result once the server has been stopped normally.</summary>
        public static IDisposable Register(Action stop)
        {
            lock (Gate)
            {
                if (!_hooked)
                {
                    _hooked = true;
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
                    foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
                    {
                        Signals.Add(PosixSignalRegistration.Create(signal, _ => RunAll()));
                    }
                }

                Pending.Add(stop);
            }

            return new Registration(stop);
        }

        private static void RunAll()
        {
            Action[] stops;
            lock (Gate)
            {
                stops = Pending.ToArray();
                Pending.Clear();
            }

            foreach (Action stop in stops)
            {
                try
                {
                    stop();
                }
                catch (Exception)
                {
                    // Exiting anyway: stop what else can be stopped.
                }
            }
        }

        private sealed class Registration(Action stop) : IDisposable
        {
            public void Dispose()
            {
                lock (Gate)
                {
                    Pending.Remove(stop);
                }
            }
        }
    }
}
