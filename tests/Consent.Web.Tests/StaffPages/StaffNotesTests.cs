using Consent.Web.Tests.Infrastructure;
using Consent.Web.Ui;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.StaffPages;

/// <summary>Every hold and referral in the shipped workflows has a staff-facing title and text (templates/staff/en/).</summary>
public sealed class StaffNotesTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public void EveryDiscussionStopAndQuiz_HasAStaffNote_ThatDoesNotSpeakToThePatient()
    {
        var notes = factory.Services.GetRequiredService<StaffNotes>();
        var names = factory.Services.GetRequiredService<WorkflowRegistry>().Catalog.Workflows.SelectMany(w => w.Definition.Steps)
            .SelectMany(step => step switch
            {
                DiscussionStep d => [StaffNotes.NameOf(d.Reason, d.Id)],
                StopStep s => [StaffNotes.NameOf(s.Message, s.Id)],
                ComprehensionStep => [StaffNotes.Comprehension],
                _ => Array.Empty<string>(),
            })
            .Distinct().ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            var note = notes.Find(name);
            Assert.True(note is not null, $"no templates/staff/en/{name}.md");
            Assert.NotEmpty(note.Title);
            Assert.NotEmpty(note.Text);
            Assert.DoesNotContain("You told us", note.Text, StringComparison.Ordinal);
        }
    }
}
