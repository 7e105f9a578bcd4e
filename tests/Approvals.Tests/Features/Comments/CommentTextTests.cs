using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Comments;

/// <summary>A comment's text follows the one text rule of the app: invisible text is blank, control characters are not stored.</summary>
[Collection(ReviewCollection.Name)]
public sealed class CommentTextTests(ReviewApp app)
{
    [Theory]
    [InlineData("\u200b")]
    [InlineData("\u2060\u00ad")]
    [InlineData("\u0000")]
    [InlineData(" \u200b\t")]
    public async Task A_comment_or_reply_of_only_invisible_characters_is_refused_naming_the_text(string text)
    {
        var plan = await CommentSteps.SubmittedPlan(app, "Usynlige kommentarer");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);

        var comment = await (await CommentSteps.Write(reviewer, plan.Id, null, text)).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["text"], comment.ErrorFields());
        var written = await (await CommentSteps.Write(reviewer, plan.Id, null, "Uddyb mål 2")).ReadOk<Approvals.Web.Features.Comments.CommentResponse>();
        var reply = await (await CommentSteps.Reply(await app.ClientFor(CommentSteps.Secretary), plan.Id, written.Id, text)).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["text"], reply.ErrorFields());

        var stored = Assert.Single(await CommentSteps.CommentsOf(app, plan.Id));
        Assert.Empty(stored.Replies);
    }

    [Fact]
    public async Task Control_characters_inside_a_comment_are_not_stored()
    {
        var plan = await CommentSteps.SubmittedPlan(app, "Styretegn i kommentarer");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);

        // PostgreSQL refuses U+0000 in text outright: stored as it came, the comment was a 500 there.
        var written = await (await CommentSteps.Write(reviewer, plan.Id, null, "Uddyb\u0000 mål\u0007 2\n")).ReadOk<Approvals.Web.Features.Comments.CommentResponse>();
        var reply = await CommentSteps.Reply(await app.ClientFor(CommentSteps.Secretary), plan.Id, written.Id, "Se\u0000 afsnit 3");
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);

        var stored = Assert.Single(await CommentSteps.CommentsOf(app, plan.Id), c => c.Id == written.Id);
        Assert.Equal("Uddyb mål 2", stored.Text);
        Assert.Equal("Se afsnit 3", Assert.Single(stored.Replies).Text);
    }
}
